using System.Net;
using System.Net.Http.Json;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Platform;

/// <summary>The headers every page and answer carries, source maps, and whose X-Forwarded-For is believed.</summary>
[Collection(StackCollection.Name)]
public sealed class SecurityHeadersTests(StackFixture stack)
{
    [Fact]
    public async Task EveryResponse_CarriesCspNosniffAndNoReferrer_ApiDocsHaveTheirOwnPolicy()
    {
        var portal = Directory.CreateTempSubdirectory("portal-");
        Directory.CreateDirectory(Path.Combine(portal.FullName, "assets"));
        await File.WriteAllTextAsync(Path.Combine(portal.FullName, "index.html"), "<!doctype html><title>portal</title>");
        await File.WriteAllTextAsync(Path.Combine(portal.FullName, "assets", "app.js"), "console.log(1);\n//# sourceMappingURL=app.js.map");
        await File.WriteAllTextAsync(Path.Combine(portal.FullName, "assets", "app.js.map"), "{\"version\":3}");
        await using var factory = PortalTestHost.Create(stack, ("Web:Root", portal.FullName));
        using var client = factory.CreateClient();

        string[] paths = ["/", "/registry/people", "/assets/app.js", "/api/auth/antiforgery", "/api/no-such-route", "/api/auth/me", "/openapi/v1.json"];
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path);
            var csp = Header(response, "Content-Security-Policy");
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        }

        using var docs = await client.GetAsync("/api/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        var docsPolicy = Header(docs, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", docsPolicy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", docsPolicy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(docs, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task SourceMaps_OutsideDevelopment_AreNotServed()
    {
        var portal = Directory.CreateTempSubdirectory("portal-");
        await File.WriteAllTextAsync(Path.Combine(portal.FullName, "index.html"), "<!doctype html><title>portal</title>");
        await File.WriteAllTextAsync(Path.Combine(portal.FullName, "app.js"), "console.log(1);");
        await File.WriteAllTextAsync(Path.Combine(portal.FullName, "app.js.map"), "{\"version\":3}");
        await using var factory = PortalTestHost.Create(stack, ("Web:Root", portal.FullName));
        using var client = factory.CreateClient();

        using var script = await client.GetAsync("/app.js");
        using var map = await client.GetAsync("/app.js.map");

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, map.StatusCode);
        Assert.DoesNotContain("version", await map.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_LoopbackCallerChangingXForwardedFor_GetsNoNewAllowance()
    {
        var statuses = await PublicRequestsWithChangingForwardedForAsync();

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task RateLimit_ForwardedForFromAConfiguredProxy_IsTheClient()
    {
        var statuses = await PublicRequestsWithChangingForwardedForAsync(("ForwardedHeaders:KnownProxies:0", "127.0.0.1"));

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.BadRequest, s));
    }

    /// <summary>Three sign-in requests over real loopback TCP, each claiming another client address, with two allowed per client (refused for want of a token, but counted first).</summary>
    private async Task<List<HttpStatusCode>> PublicRequestsWithChangingForwardedForAsync(params (string Key, string? Value)[] settings)
    {
        await using var factory = PortalTestHost.Create(stack, [("RateLimits:PerClientPermits", "2"), .. settings]);
        factory.UseKestrel(NodeProcess.FreePort());
        factory.StartServer();
        using var client = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress };
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-in") { Content = JsonContent.Create(new { email = "someone@example.gov" }) };
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i}");
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} without {name}.");
}
