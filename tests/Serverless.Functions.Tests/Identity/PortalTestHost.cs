using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Tests.Identity;

/// <summary>Short helpers for portal tests: an app with extra settings, antiforgery, seeded people and signed-in clients.</summary>
internal static partial class PortalTestHost
{
    public static PlatformFactory Create(StackFixture stack, params (string Key, string? Value)[] settings) => Create(stack, null, settings);

    public static PlatformFactory Create(StackFixture stack, Action<IServiceCollection>? services, params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = stack.Storage.ConnectionString,
            ["Email:Smtp:Port"] = stack.Mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:EnablePollers"] = "true",
            ["Web:Root"] = Path.Combine(Path.GetTempPath(), "no-portal-here"),
            ["Auth:PublicBaseUrl"] = "http://portal.test",

            // One storage account, many task hubs: a test runs the maintenance sweeps it needs itself.
            ["Maintenance:EnableSweeps"] = "false",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new PlatformFactory(all, services);
    }

    /// <summary>A browser-like client (keeps cookies) that sends the antiforgery header on every request.</summary>
    public static async Task<HttpClient> ClientAsync(this WebApplicationFactory<Program> factory)
    {
        var client = factory.CreateClient();
        await client.RefreshAntiforgeryAsync();
        return client;
    }

    /// <summary>Fetches a request token for the current session, as the portal does after signing in or out.</summary>
    public static async Task RefreshAntiforgeryAsync(this HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonElement>("/api/auth/antiforgery");
        client.DefaultRequestHeaders.Remove(AntiforgeryValidationMiddleware.HeaderName);
        client.DefaultRequestHeaders.Add(AntiforgeryValidationMiddleware.HeaderName, body.GetProperty("token").GetString());
    }

    public static string UniqueEmail(string prefix, string domain = "example.gov") => $"{prefix}-{Guid.NewGuid():N}@{domain}";

    /// <summary>Registers a person directly in the store.</summary>
    public static async Task<PersonEntity> SeedPersonAsync(this WebApplicationFactory<Program> factory, string? email = null, string language = "en", string? name = null, string? organisationId = null, params string[] roles)
    {
        var store = factory.Services.GetRequiredService<PeopleStore>();
        var person = new PersonEntity
        {
            Id = Guid.NewGuid().ToString("N"),
            Name = name ?? "Test Person",
            Email = email ?? UniqueEmail("person"),
            OrganisationId = organisationId,
            PreferredLanguage = language,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        person.SetRoles(["member", .. roles]);
        Assert.Equal(WriteOutcome.Done, await store.CreateAsync(person, default));
        return person;
    }

    /// <summary>Registers an organisation with a unique official domain.</summary>
    public static async Task<OrganisationEntity> SeedOrganisationAsync(this WebApplicationFactory<Program> factory, string? domain = null)
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        var entity = new OrganisationEntity
        {
            RowKey = id,
            Names = JsonSerializer.Serialize(new Dictionary<string, string> { ["en"] = "Test Ministry " + id, ["pl"] = "Ministerstwo Testów" }),
            Type = "ministry",
            Country = "PL",
            Level = "national",
            Domains = domain ?? id + ".gov.example",
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        Assert.Equal(WriteOutcome.Done, await factory.Services.GetRequiredService<OrganisationStore>().CreateAsync(entity, default));
        return entity;
    }

    /// <summary>Signs a person in without the inbox (a token issued directly, completed through the API).</summary>
    public static async Task<HttpClient> SignedInClientAsync(this WebApplicationFactory<Program> factory, PersonEntity person) =>
        (await factory.SignInWithCookieAsync(person)).Client;

    /// <summary>Signs a person in and also returns the session cookie ("inn.session=…"), as someone copying it would.</summary>
    public static async Task<(HttpClient Client, string Cookie)> SignInWithCookieAsync(this WebApplicationFactory<Program> factory, PersonEntity person)
    {
        var client = await factory.ClientAsync();
        var token = await factory.Services.GetRequiredService<ActionTokens>().IssueAsync("sign-in", person.Id, TimeSpan.FromMinutes(15), default);
        using var response = await client.PostAsJsonAsync("/api/auth/complete", new { token });
        response.EnsureSuccessStatusCode();
        var cookie = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("inn.session=", StringComparison.Ordinal));
        await client.RefreshAntiforgeryAsync();
        return (client, cookie);
    }

    /// <summary>A client that keeps no cookies of its own and sends exactly this one.</summary>
    public static HttpClient ClientWithCookie(this WebApplicationFactory<Program> factory, string cookie)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    public static async Task<HttpClient> SignedInAsAsync(this WebApplicationFactory<Program> factory, params string[] roles) =>
        await factory.SignedInClientAsync(await factory.SeedPersonAsync(roles: roles));

    /// <summary>The token from a link such as http://portal.test/sign-in/complete#token=….</summary>
    public static string TokenFrom(string text) => TokenPattern().Match(text) is { Success: true } match
        ? match.Groups[1].Value
        : throw new Xunit.Sdk.XunitException("No link with a token in: " + text);

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [GeneratedRegex("[#?]token=([A-Za-z0-9_-]{43})")]
    private static partial Regex TokenPattern();
}
