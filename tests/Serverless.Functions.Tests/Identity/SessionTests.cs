using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Serverless.Functions.Tests.Identity;

/// <summary>Sessions end on the server: a copy of the session cookie is worth nothing after sign-out, role revocation or deletion.</summary>
[Collection(StackCollection.Name)]
public sealed class SessionTests(StackFixture stack)
{
    [Fact]
    public async Task SignOut_CookieCopiedBefore_Returns401Afterwards()
    {
        await using var factory = PortalTestHost.Create(stack);
        var person = await factory.SeedPersonAsync();
        var (client, cookie) = await factory.SignInWithCookieAsync(person);
        using var _ = client;
        using var copy = factory.ClientWithCookie(cookie);

        using var before = await copy.GetAsync("/api/auth/me");
        using var signedOut = await client.PostAsync("/api/auth/sign-out", null);
        using var after = await copy.GetAsync("/api/auth/me");
        using var afterTwice = await copy.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("unauthenticated", (await after.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, afterTwice.StatusCode);
    }

    [Fact]
    public async Task SignOut_OnOneDevice_LeavesThePersonsOtherSessionSignedIn()
    {
        await using var factory = PortalTestHost.Create(stack);
        var person = await factory.SeedPersonAsync();
        using var laptop = await factory.SignedInClientAsync(person);
        using var phone = await factory.SignedInClientAsync(person);

        using var signedOut = await phone.PostAsync("/api/auth/sign-out", null);
        using var laptopMe = await laptop.GetAsync("/api/auth/me");
        using var phoneMe = await phone.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, laptopMe.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, phoneMe.StatusCode);
    }

    [Fact]
    public async Task RevokeRole_ExistingSession_LosesTheRoleAtOnce()
    {
        await using var factory = PortalTestHost.Create(stack);
        var coordinator = await factory.SeedPersonAsync(roles: "coordinator");
        var (client, cookie) = await factory.SignInWithCookieAsync(coordinator);
        using var _ = client;
        using var copy = factory.ClientWithCookie(cookie);
        using var admin = await factory.SignedInAsAsync("admin");

        using var allowed = await copy.GetAsync($"/api/registry/people/{coordinator.Id}");
        using var revoked = await admin.DeleteAsync($"/api/admin/people/{coordinator.Id}/roles/coordinator");
        using var refused = await copy.GetAsync($"/api/registry/people/{coordinator.Id}");
        var me = await copy.GetFromJsonAsync<JsonElement>("/api/auth/me");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(["member"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task DeletePerson_TheirSessions_Return401()
    {
        await using var factory = PortalTestHost.Create(stack);
        var person = await factory.SeedPersonAsync();
        var (client, cookie) = await factory.SignInWithCookieAsync(person);
        using var copy = factory.ClientWithCookie(cookie);
        using var admin = await factory.SignedInAsAsync("admin");

        using var before = await client.GetAsync("/api/auth/me");
        using var deleted = await admin.DeleteAsync($"/api/registry/people/{person.Id}");
        using var after = await client.GetAsync("/api/auth/me");
        using var copyAfter = await copy.GetAsync("/api/auth/me");
        client.Dispose();

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, copyAfter.StatusCode);
    }
}
