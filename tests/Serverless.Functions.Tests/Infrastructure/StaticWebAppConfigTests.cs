using System.Net;
using System.Text.Json.Nodes;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Infrastructure;

/// <summary>
/// In Azure the Static Web App serves the portal, so web/public/staticwebapp.config.json (copied into
/// web/dist by Vite) must give it what the app gives it locally: the same security headers, client
/// routes answered with index.html, and no source maps.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StaticWebAppConfigTests(StackFixture stack) : IAsyncLifetime
{
    private static readonly string[] SecurityHeaders = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"];

    private readonly JsonObject _config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "web", "public", "staticwebapp.config.json")))!.AsObject();
    private readonly DirectoryInfo _portal = Directory.CreateTempSubdirectory("portal-");
    private PlatformFactory _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_portal.FullName, "assets"));
        await File.WriteAllTextAsync(Path.Combine(_portal.FullName, "index.html"), "<!doctype html><title>portal index</title>");
        await File.WriteAllTextAsync(Path.Combine(_portal.FullName, "assets", "app.js"), "console.log(1);\n//# sourceMappingURL=app.js.map");
        await File.WriteAllTextAsync(Path.Combine(_portal.FullName, "assets", "app.js.map"), "{\"version\":3}");
        Directory.CreateDirectory(Path.Combine(_portal.FullName, ".vite"));
        await File.WriteAllTextAsync(Path.Combine(_portal.FullName, ".vite", "manifest.json"), "{\"src/main.tsx\":{}}");
        _app = PortalTestHost.Create(stack, ("Web:Root", _portal.FullName));
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _portal.Delete(recursive: true);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/registry/people")]
    [InlineData("/assets/app.js")]
    public async Task GlobalHeaders_AreTheSecurityHeadersTheLocalAppSends(string path)
    {
        var headers = _config["globalHeaders"]!.AsObject();
        using var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(SecurityHeaders, name => Assert.Equal(Header(response, name), headers[name]?.GetValue<string>()));
    }

    [Fact]
    public async Task NavigationFallback_AnswersClientRoutesWithIndexHtml_ButNotApiOrAssetPaths()
    {
        var fallback = _config["navigationFallback"]!.AsObject();
        var excluded = fallback["exclude"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();

        Assert.Equal("/index.html", fallback["rewrite"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "web", "index.html")), "Vite builds web/index.html into the dist/index.html the fallback rewrites to.");
        Assert.Contains("/api/*", excluded);
        Assert.Contains("/assets/*", excluded);

        // The local app does the same: a client route gets the portal, an unknown API or asset path does not.
        Assert.Contains("portal index", await _client.GetStringAsync("/registry/people"), StringComparison.Ordinal);
        using var api = await _client.GetAsync("/api/no-such-route");
        using var asset = await _client.GetAsync("/assets/missing.js");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asset.StatusCode);
        Assert.DoesNotContain("portal index", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("portal index", await asset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceMaps_AreRefused_AsTheLocalAppRefusesThemOutsideDevelopment()
    {
        var routes = _config["routes"]!.AsArray().Select(r => r!.AsObject()).ToList();

        Assert.Contains(routes, r => r["route"]?.GetValue<string>() == "/assets/*.{map}" && r["statusCode"]?.GetValue<int>() == 404);
        using var map = await _client.GetAsync("/assets/app.js.map");
        Assert.Equal(HttpStatusCode.NotFound, map.StatusCode);
    }

    [Fact]
    public async Task TheBuildManifest_IsNotServed_ItNamesTheSourceFiles()
    {
        var routes = _config["routes"]!.AsArray().Select(r => r!.AsObject()).ToList();

        Assert.Contains(routes, r => r["route"]?.GetValue<string>() == "/.vite/*" && r["statusCode"]?.GetValue<int>() == 404);
        using var manifest = await _client.GetAsync("/.vite/manifest.json");
        Assert.Equal(HttpStatusCode.NotFound, manifest.StatusCode);
        Assert.DoesNotContain("src/main.tsx", await manifest.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} without {name}.");
}
