using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Platform;

/// <summary>/openapi/v1.json, read once from the app in memory (no storage needed to describe the API).</summary>
public sealed class OpenApiDocumentFixture : IAsyncLifetime
{
    private PlatformFactory? _factory;

    public JsonObject Document { get; private set; } = new();

    public string Json { get; private set; } = "";

    /// <summary>Each operationId with whether its endpoint needs a signed-in caller, from the app's own endpoint metadata.</summary>
    public IReadOnlyDictionary<string, bool> SignInRequired { get; private set; } = new Dictionary<string, bool>();

    public async Task InitializeAsync()
    {
        var closedPort = NodeProcess.FreePort();
        var unreachable = $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{closedPort}/x;QueueEndpoint=http://127.0.0.1:{closedPort}/x;TableEndpoint=http://127.0.0.1:{closedPort}/x;";
        _factory = PlatformFactory.ForStorage(unreachable, pollers: false);
        using var client = _factory.CreateClient();
        Json = await client.GetStringAsync("/openapi/v1.json");
        Document = JsonNode.Parse(Json)!.AsObject();
        SignInRequired = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .ToDictionary(
                e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName,
                e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0 && e.Metadata.GetMetadata<IAllowAnonymous>() is null);
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}

public sealed class OpenApiDocumentTests(OpenApiDocumentFixture api) : IClassFixture<OpenApiDocumentFixture>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private IEnumerable<(string Method, string Path, JsonObject Operation)> Operations() =>
        from path in api.Document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where Methods.Contains(method.Key)
        select (method.Key, path.Key, method.Value!.AsObject());

    [Fact]
    public void EveryOperation_HasASummaryAndTheClientErrorsItCanAnswer()
    {
        var operations = Operations().ToList();

        Assert.True(operations.Count > 100, $"only {operations.Count} operations described");
        Assert.All(operations, o => Assert.False(string.IsNullOrWhiteSpace((string?)o.Operation["summary"]), $"{o.Method} {o.Path} has no summary"));
        // These take no input and are open to anyone: there is no 4xx they could answer.
        string[] cannotFail = ["GetHealth", "GetAntiforgeryToken", "GetSignInProviders"];
        Assert.All(operations.Where(o => !cannotFail.Contains((string?)o.Operation["operationId"])), o => Assert.True(
            o.Operation["responses"]!.AsObject().Any(r => r.Key.StartsWith('4')),
            $"{o.Method} {o.Path} declares no 4xx response"));
    }

    [Fact]
    public void SignedInOperations_RequireTheSessionCookie_AndStateChangesTheAntiforgeryHeader()
    {
        var schemes = api.Document["components"]!["securitySchemes"]!;
        Assert.Equal(("apiKey", "cookie", "inn.session"), ((string?)schemes["session"]!["type"], (string?)schemes["session"]!["in"], (string?)schemes["session"]!["name"]));
        Assert.Equal(("apiKey", "header", "X-XSRF-TOKEN"), ((string?)schemes["antiforgery"]!["type"], (string?)schemes["antiforgery"]!["in"], (string?)schemes["antiforgery"]!["name"]));

        foreach (var (method, path, operation) in Operations())
        {
            var name = (string)operation["operationId"]!;
            var requirements = operation["security"]!.AsArray();
            var schemesUsed = requirements.SelectMany(r => r!.AsObject().Select(s => s.Key)).ToHashSet();
            Assert.True(api.SignInRequired.ContainsKey(name), $"{name} is not an endpoint of the app");
            Assert.True(api.SignInRequired[name] == schemesUsed.Contains("session"), $"{method} {path}: sign-in required {api.SignInRequired[name]}, documented {string.Join(", ", schemesUsed)}");
            Assert.True((method != "get") == schemesUsed.Contains("antiforgery"), $"{method} {path}: antiforgery documented {schemesUsed.Contains("antiforgery")}");
            Assert.True(requirements.Count <= 1, $"{method} {path}: the session and the antiforgery token are needed together, in one requirement");
        }

        // The roles are named in the requirement; anonymous reads need nothing.
        Assert.Equal("""[{"session":["coordinator"],"antiforgery":[]}]""", Security("/api/registry/organisations", "post"));
        Assert.Equal("""[{"session":["admin"]}]""", Security("/api/admin/audit", "get"));
        Assert.Equal("""[{"session":["member"]}]""", Security("/api/auth/me", "get"));
        Assert.Equal("""[{"antiforgery":[]}]""", Security("/api/auth/sign-in", "post"));
        Assert.Equal("[]", Security("/api/workshops/invitation", "get"));
    }

    [Fact]
    public void Document_HasTagDescriptionsALicenceAndARelativeServer()
    {
        Assert.All(api.Document["tags"]!.AsArray(), t => Assert.False(string.IsNullOrWhiteSpace((string?)t!["description"]), $"tag {t!["name"]} has no description"));
        Assert.Equal("LicenseRef-Proprietary", (string?)api.Document["info"]!["license"]!["identifier"]);
        Assert.Equal("/", (string?)api.Document["servers"]![0]!["url"]);
    }

    [Fact]
    public async Task Document_PassesRedoclyLintWithTheRecommendedRules()
    {
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, api.Json);
        try
        {
            var (exitCode, output) = await RunRedoclyAsync("lint", "--config", Path.Combine(RepositoryPaths.Root, "redocly.yaml"), file);

            Assert.True(exitCode == 0, $"redocly lint failed ({exitCode}):\n{output}");
            Assert.Contains("Your API description is valid", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private string Security(string path, string method) => api.Document["paths"]![path]![method]!["security"]!.ToJsonString();

    private static async Task<(int ExitCode, string Output)> RunRedoclyAsync(params string[] arguments)
    {
        var cli = Path.Combine(RepositoryPaths.NodeModules, "@redocly", "cli", "bin", "cli.js");
        Assert.True(File.Exists(cli), $"{cli} is missing: run 'npm ci' in {RepositoryPaths.Root}");
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
            Environment =
            {
                ["REDOCLY_TELEMETRY"] = "off",
                ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true",
                ["NO_COLOR"] = "1",
            },
        };
        info.ArgumentList.Add(cli);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
