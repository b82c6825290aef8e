using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Identity;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Audit;

[Collection(StackCollection.Name)]
public sealed class AuditTests(StackFixture stack)
{
    [Fact]
    public async Task UpdatePerson_AuditShowsWhoAndBeforeAndAfter()
    {
        await using var factory = PortalTestHost.Create(stack);
        var org = await factory.SeedOrganisationAsync();
        var person = await factory.SeedPersonAsync(name: "Piotr Wiśniewski", organisationId: org.Id);
        var adminPerson = await factory.SeedPersonAsync(roles: "admin");
        using var admin = await factory.SignedInClientAsync(adminPerson);

        using var updated = await admin.PutAsJsonAsync($"/api/registry/people/{person.Id}", new { name = "Piotr Wiśniewski-Nowak", email = person.Email, organisationId = org.Id, preferredLanguage = "pl" });
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?recordType=person&recordId={person.Id}");

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("updated", entry.GetProperty("action").GetString());
        Assert.Equal("person:" + adminPerson.Id, entry.GetProperty("actor").GetString());
        Assert.Equal(adminPerson.Email, entry.GetProperty("actorName").GetString());
        Assert.Equal("Piotr Wiśniewski", JsonDocument.Parse(entry.GetProperty("before").GetString()!).RootElement.GetProperty("name").GetString());
        var after = JsonDocument.Parse(entry.GetProperty("after").GetString()!).RootElement;
        Assert.Equal("Piotr Wiśniewski-Nowak", after.GetProperty("name").GetString());
        Assert.Equal("pl", after.GetProperty("preferredLanguage").GetString());
    }

    [Fact]
    public async Task EveryEmailSent_HasAnAuditEntryUnderItsRecipient()
    {
        await using var factory = PortalTestHost.Create(stack);
        var person = await factory.SeedPersonAsync();
        using var client = await factory.ClientAsync();
        using var admin = await factory.SignedInAsAsync("admin");

        await client.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email });
        await client.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email });
        var links = factory.Services.GetRequiredService<SignInLinks>();
        await Wait.UntilAsync(() => links.Pending == 0, "the sign-in emails to be queued");
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?recordType=email&recordId={Uri.EscapeDataString(person.Email)}");

        var entries = audit.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.Equal("email-queued", e.GetProperty("action").GetString());
            var after = JsonDocument.Parse(e.GetProperty("after").GetString()!).RootElement;
            Assert.StartsWith("sign-in/" + person.Id, after.GetProperty("messageKey").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("token=", e.GetProperty("after").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Search_ByActorAndPaged_FollowsTheContinuation()
    {
        await using var factory = PortalTestHost.Create(stack);
        var org = await factory.SeedOrganisationAsync();
        var adminPerson = await factory.SeedPersonAsync(roles: "admin");
        using var admin = await factory.SignedInClientAsync(adminPerson);
        for (var i = 0; i < 3; i++)
        {
            await admin.PostAsJsonAsync("/api/registry/people", new { name = $"Person {i}", email = PortalTestHost.UniqueEmail("paged"), organisationId = org.Id });
        }

        var seen = new List<string>();
        string? continuation = null;
        do
        {
            var url = $"/api/admin/audit?actor=person:{adminPerson.Id}&pageSize=2" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
            var page = await admin.GetFromJsonAsync<JsonElement>(url);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
            continuation = page.GetProperty("continuation").ValueKind == JsonValueKind.String ? page.GetProperty("continuation").GetString() : null;
        }
        while (continuation is not null);

        Assert.Equal(3, seen.Count(a => a == "created"));
    }

    [Fact]
    public async Task Search_ByNonAdminOrWithBadDate_IsRefused()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var coordinator = await factory.SignedInAsAsync("coordinator");
        using var admin = await factory.SignedInAsAsync("admin");

        using var forbidden = await coordinator.GetAsync("/api/admin/audit");
        using var badDate = await admin.GetAsync("/api/admin/audit?from=last-tuesday");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.True((await badDate.ProblemAsync()).GetProperty("errors").TryGetProperty("from", out _));
    }
}
