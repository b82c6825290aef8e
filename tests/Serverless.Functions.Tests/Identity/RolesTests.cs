using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Serverless.Functions.Tests.Identity;

[Collection(StackCollection.Name)]
public sealed class RolesTests(StackFixture stack)
{
    [Fact]
    public async Task GrantRole_ByNonAdmin_Returns403AndTheAttemptIsAudited()
    {
        await using var factory = PortalTestHost.Create(stack);
        var target = await factory.SeedPersonAsync();
        using var member = await factory.SignedInAsAsync("coordinator");
        using var admin = await factory.SignedInAsAsync("admin");

        using var refused = await member.PutAsync($"/api/admin/people/{target.Id}/roles/admin", null);
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?recordType=person&recordId={target.Id}");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("forbidden", (await refused.ProblemAsync()).GetProperty("code").GetString());
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("role-granted-denied", entry.GetProperty("action").GetString());
        Assert.StartsWith("person:", entry.GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Contains("admin", entry.GetProperty("after").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantAndRevokeRole_ByAdmin_AppliesToTheOtherSessionAtOnce()
    {
        await using var factory = PortalTestHost.Create(stack);
        var person = await factory.SeedPersonAsync();
        using var theirs = await factory.SignedInClientAsync(person);
        using var admin = await factory.SignedInAsAsync("admin");

        using var granted = await admin.PutAsync($"/api/admin/people/{person.Id}/roles/coordinator", null);
        var afterGrant = await theirs.GetFromJsonAsync<JsonElement>("/api/auth/me");
        using var revoked = await admin.DeleteAsync($"/api/admin/people/{person.Id}/roles/coordinator");
        var afterRevoke = await theirs.GetFromJsonAsync<JsonElement>("/api/auth/me");
        using var unknownRole = await admin.PutAsync($"/api/admin/people/{person.Id}/roles/emperor", null);

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Contains("coordinator", afterGrant.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.DoesNotContain("coordinator", afterRevoke.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
        Assert.True((await unknownRole.ProblemAsync()).GetProperty("errors").TryGetProperty("role", out _));
    }

    [Fact]
    public async Task GrantRole_WithoutSession_Returns401()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var anonymous = await factory.ClientAsync();

        using var response = await anonymous.PutAsync("/api/admin/people/someone/roles/admin", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

[Collection(StackCollection.Name)]
public sealed class OidcSettingsTests(StackFixture stack)
{
    [Fact]
    public async Task Providers_OidcSettingsPresent_OffersEntraIdAndEmailLinksStillWork()
    {
        await using var factory = PortalTestHost.Create(stack, ("Auth:Oidc:Authority", "https://login.microsoftonline.example/tenant/v2.0"), ("Auth:Oidc:ClientId", "portal"), ("Auth:Oidc:ClientSecret", "secret"));
        using var client = await factory.SignedInAsAsync();

        var providers = await client.GetFromJsonAsync<JsonElement>("/api/auth/providers");
        using var me = await client.GetAsync("/api/auth/me");

        Assert.True(providers.GetProperty("oidc").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task OidcSignIn_NotConfigured_Returns404Problem()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var client = await factory.ClientAsync();

        var providers = await client.GetFromJsonAsync<JsonElement>("/api/auth/providers");
        using var response = await client.GetAsync("/api/auth/oidc/sign-in");

        Assert.False(providers.GetProperty("oidc").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
