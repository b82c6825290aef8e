using System.Collections;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Platform;

/// <summary>
/// Bad input gets a 4xx ProblemDetails, never a 5xx and never the portal: null items, wrong types,
/// invalid UTF-8, a bare null and oversized bodies, on every route that takes a body.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class BadInputTests(StackFixture stack)
{
    private static readonly string[] BodyMethods = ["POST", "PUT", "PATCH"];

    private PlatformFactory Factory(params (string Key, string? Value)[] settings) => PortalTestHost.Create(
        stack,
        [
            ("RateLimits:PerClientPermits", "100000"),
            ("RateLimits:PerAddressPermits", "100000"),
            ("Durable:TaskHubName", "bad" + Guid.NewGuid().ToString("N")[..8]),
            .. settings,
        ]);

    [Fact]
    public async Task EveryBodyRoute_BadBodies_AnswerProblemDetailsAndNever5xx()
    {
        await using var factory = Factory();
        using var admin = await factory.SignedInAsAsync("admin", "coordinator");
        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Intersect(BodyMethods).Select(m => (Method: m, Endpoint: e)))
            // Signing out would end the walk's own session.
            .Where(r => r.Endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName != "SignOut")
            .ToList();
        Assert.True(routes.Count > 40, $"Only {routes.Count} routes with a body were found.");

        var oversized = Encoding.UTF8.GetBytes("{\"text\":\"" + new string('a', 7 * 1024 * 1024) + "\"}");
        var failures = new List<string>();
        var probes = 0;
        foreach (var (method, endpoint) in routes)
        {
            var path = RouteParameter().Replace(endpoint.RoutePattern.RawText!, "zz-probe");
            var requestType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            foreach (var (name, content) in Bodies(requestType, oversized))
            {
                probes++;
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
                request.Headers.Accept.ParseAdd("application/json");
                using var response = await admin.SendAsync(request);
                var status = (int)response.StatusCode;
                if (status >= 500)
                {
                    failures.Add($"{method} {path} with {name}: {status} {await response.Content.ReadAsStringAsync()}");
                }
                else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{method} {path} with {name}: {status} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {probes} probes failed:\n" + string.Join('\n', failures));
    }

    [Theory]
    [InlineData("POST", "/api/registry/organisations")]
    [InlineData("PUT", "/api/registry/organisations/{id}")]
    public async Task Organisation_NullDomain_Is400NamingDomainsAndNothingWritten(string method, string route)
    {
        await using var factory = Factory();
        var existing = await factory.SeedOrganisationAsync();
        using var admin = await factory.SignedInAsAsync("admin");
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        var body = new { id, names = new { en = "Null Domain Ministry" }, type = "ministry", country = "PL", level = "national", domains = new string?[] { "ok.gov.example", null } };

        using var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), route.Replace("{id}", existing.Id, StringComparison.Ordinal)) { Content = JsonContent.Create(body) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Contains("Domain 2", problem.GetProperty("errors").GetProperty("domains")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/registry/organisations/{id}")).StatusCode);
        var unchanged = await admin.GetFromJsonAsync<JsonElement>($"/api/registry/organisations/{existing.Id}");
        Assert.Equal([existing.Domains], unchanged.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task RaiseEvent_BodyOver4MB_Is413NamingTheLimitEvenForAnUnknownInstance()
    {
        await using var factory = Factory();
        using var admin = await factory.SignedInAsAsync("admin");
        var big = Encoding.UTF8.GetBytes("{\"note\":\"" + new string('x', (4 * 1024 * 1024) + 10) + "\"}");

        using var oversized = await admin.PostAsync("/api/admin/orchestrations/no-such-instance/events/Decision", Json(big));
        using var small = await admin.PostAsJsonAsync("/api/admin/orchestrations/no-such-instance/events/Decision", new { note = "ok" });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        var problem = await oversized.ProblemAsync();
        Assert.Equal("body_too_large", problem.GetProperty("code").GetString());
        Assert.Equal(256 * 1024, problem.GetProperty("limitBytes").GetInt64());
        Assert.Contains("256 KB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, small.StatusCode);
        await small.ProblemAsync();
    }

    [Theory]
    [InlineData("null")]
    [InlineData(" null \n")]
    public async Task StartOnboarding_NullBody_Is400NamingTheBody(string body)
    {
        await using var factory = Factory();
        using var admin = await factory.SignedInAsAsync("admin");

        using var response = await admin.PostAsync("/api/cohorts/some-cohort/onboarding", Json(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal("body_null", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _));
    }

    [Fact]
    public async Task StartOnboarding_InvalidUtf8_Is400InTheCallersLanguage()
    {
        await using var factory = Factory();
        using var admin = await factory.SignedInAsAsync("admin");
        byte[] body = [.. "{\"note\":\""u8, 0xff, 0xfe, .. "\"}"u8];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cohorts/some-cohort/onboarding") { Content = Json(body) };
        request.Headers.AcceptLanguage.ParseAdd("pl");

        using var response = await admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal("body_not_utf8", problem.GetProperty("code").GetString());
        Assert.Equal("Treść żądania nie jest poprawnym tekstem UTF-8.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SignIn_TenMegabyteBody_Is413WithThePublicLimitAndNotParsed()
    {
        await using var factory = Factory();
        using var client = await factory.ClientAsync();
        var big = Encoding.UTF8.GetBytes("{\"email\":\"a@b.gov\",\"pad\":\"" + new string(' ', 10 * 1024 * 1024) + "\"}");

        using var response = await client.PostAsync("/api/auth/sign-in", Json(big));
        using var normal = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = PortalTestHost.UniqueEmail("fits") });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal(4 * 1024, problem.GetProperty("limitBytes").GetInt64());
        Assert.Equal(HttpStatusCode.Accepted, normal.StatusCode);
    }

    [Fact]
    public async Task ApiRoutes_WithThePortalServed_WrongContentTypeIs415AndUnknownRouteIs404Problems()
    {
        var portal = Directory.CreateTempSubdirectory("portal-");
        await File.WriteAllTextAsync(Path.Combine(portal.FullName, "index.html"), "<!doctype html><title>portal</title>");
        await using var factory = Factory(("Web:Root", portal.FullName));
        using var admin = await factory.SignedInAsAsync("admin");

        using var jsonToCsvRoute = await admin.PostAsJsonAsync("/api/registry/people/import/preview", new { csv = "email,name" });
        using var unknownPost = await admin.PostAsJsonAsync("/api/registry/no-such-route", new { });
        using var unknownGet = await admin.GetAsync("/api/no-such-route");
        using var clientRoute = await admin.GetAsync("/registry/people");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, jsonToCsvRoute.StatusCode);
        await jsonToCsvRoute.ProblemAsync();
        Assert.Equal(HttpStatusCode.NotFound, unknownPost.StatusCode);
        await unknownPost.ProblemAsync();
        Assert.Equal(HttpStatusCode.NotFound, unknownGet.StatusCode);
        await unknownGet.ProblemAsync();
        Assert.Equal(HttpStatusCode.OK, clientRoute.StatusCode);
        Assert.Equal("text/html", clientRoute.Content.Headers.ContentType?.MediaType);
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>The bad bodies for one route: shaped after its request type where it has one.</summary>
    private static IEnumerable<(string Name, HttpContent Content)> Bodies(Type? requestType, byte[] oversized)
    {
        var properties = requestType is null || requestType == typeof(string) || IsList(requestType)
            ? []
            : requestType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToList();
        string Name(PropertyInfo p) => JsonNamingPolicy.CamelCase.ConvertName(p.Name);
        string Object(Func<PropertyInfo, string> value) => "{" + string.Join(',', properties.Select(p => $"\"{Name(p)}\":{value(p)}")) + "}";

        yield return ("null items", Text(Object(p => NullItem(p.PropertyType))));
        yield return ("all null", Text(Object(_ => "null")));
        yield return ("objects for every field", Text(Object(_ => "{\"a\":1}")));
        yield return ("numbers for every field", Text(Object(_ => "12345678901234567890")));
        yield return ("strings for every field", Text(Object(_ => "\"not-what-you-want\"")));
        yield return ("mixed arrays for every field", Text(Object(_ => "[1,\"x\",null,{}]")));
        yield return ("booleans for every field", Text(Object(_ => "true")));
        foreach (var p in properties)
        {
            yield return ($"{Name(p)} as null items", Text("{" + $"\"{Name(p)}\":{NullItem(p.PropertyType)}" + "}"));
        }

        yield return ("a top-level array", Text("[null]"));
        yield return ("a top-level string", Text("\"text\""));
        yield return ("null", Text("null"));
        yield return ("truncated JSON", Text("{\"a\":"));
        yield return ("invalid UTF-8 in a value", Json([.. "{\"name\":\""u8, 0xC3, 0x28, .. "\"}"u8]));
        yield return ("invalid UTF-8 in a name", Json([.. "{\"n"u8, 0xff, .. "\":1}"u8]));
        yield return ("an oversized body", Json(oversized));
        yield return ("text/plain", new StringContent("hello", Encoding.UTF8, "text/plain"));
    }

    private static StringContent Text(string json) => new(json, Encoding.UTF8, "application/json");

    private static string NullItem(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.GetInterfaces().Append(t).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))))
        {
            return "{\"en\":null,\"x\":null}";
        }

        return IsList(t) ? "[null]" : "null";
    }

    private static bool IsList(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
