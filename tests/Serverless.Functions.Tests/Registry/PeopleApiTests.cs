using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Registry;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Registry;

[Collection(StackCollection.Name)]
public sealed class PeopleApiTests(StackFixture stack)
{
    [Fact]
    public async Task Create_BadFields_Returns400NamingEachFieldAndWritesNothing()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var client = await factory.SignedInAsAsync("coordinator");
        var email = "bad address@";

        using var response = await client.PostAsJsonAsync("/api/registry/people", new { name = "", email, organisationId = "no-such-org", preferredLanguage = "tlh" });
        var list = await client.GetFromJsonAsync<JsonElement>("/api/registry/people?q=bad%20address");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ProblemAsync()).GetProperty("errors");
        Assert.Equal(["email", "name", "organisationId", "preferredLanguage"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task TryCreateMany_OneAddressAlreadyTaken_WritesNoneAndTheRestCanBeCreatedOneByOne()
    {
        await using var factory = PortalTestHost.Create(stack);
        var store = factory.Services.GetRequiredService<PeopleStore>();
        var existing = await factory.SeedPersonAsync();
        PersonEntity New(string email) => new() { Id = Guid.NewGuid().ToString("N"), Name = email.Split('@')[0], Email = email, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        var fresh = Enumerable.Range(0, 3).Select(i => New(PortalTestHost.UniqueEmail("batch" + i))).ToList();

        var refused = await store.TryCreateManyAsync([.. fresh, New(existing.Email)], default);
        var foundAfterRefusal = await Task.WhenAll(fresh.Select(p => store.FindByEmailAsync(p.Email, default)));
        var created = await store.TryCreateManyAsync(fresh, default);
        var found = await Task.WhenAll(fresh.Select(p => store.FindByEmailAsync(p.Email, default)));

        Assert.False(refused);
        Assert.All(foundAfterRefusal, Assert.Null);
        Assert.True(created);
        Assert.Equal(fresh.Select(p => p.Id), found.Select(p => p!.Id));
        Assert.Equal(existing.Id, (await store.FindByEmailAsync(existing.Email, default))!.Id);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(150)]
    public async Task FindManyByEmail_ShortAndLongLists_FindTheKnownPeopleWhateverTheCase(int unknown)
    {
        await using var factory = PortalTestHost.Create(stack);
        var store = factory.Services.GetRequiredService<PeopleStore>();
        var known = new[] { await factory.SeedPersonAsync(), await factory.SeedPersonAsync() };
        var asked = known.Select(p => " " + p.Email.ToUpperInvariant()).Concat(Enumerable.Range(0, unknown).Select(i => PortalTestHost.UniqueEmail("nobody" + i))).ToList();

        var found = await store.FindManyByEmailAsync(asked, default);

        Assert.Equal(known.Select(p => PeopleStore.NormalizeEmail(p.Email)).Order(), found.Keys.Order());
        Assert.All(known, p => Assert.Equal(p.Id, found[PeopleStore.NormalizeEmail(p.Email)].Id));
    }

    [Fact]
    public async Task CreateUpdate_EmailAlreadyRegisteredInOtherCase_Returns400AndStaleETagReturns412()
    {
        await using var factory = PortalTestHost.Create(stack);
        var org = await factory.SeedOrganisationAsync();
        var existing = await factory.SeedPersonAsync(organisationId: org.Id);
        using var client = await factory.SignedInAsAsync("admin");

        using var duplicate = await client.PostAsJsonAsync("/api/registry/people", new { name = "Copy", email = existing.Email.ToUpperInvariant(), organisationId = org.Id });
        using var created = await client.PostAsJsonAsync("/api/registry/people", new { name = "Jan Nowak", email = PortalTestHost.UniqueEmail("jan"), organisationId = org.Id, preferredLanguage = "pl" });
        var person = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = person.GetProperty("id").GetString();
        var etag = created.Headers.ETag!.ToString();
        using var first = new HttpRequestMessage(HttpMethod.Put, $"/api/registry/people/{id}") { Content = JsonContent.Create(new { name = "Jan Nowak-Kowalski", email = person.GetProperty("email").GetString(), organisationId = org.Id, preferredLanguage = "pl" }) };
        first.Headers.TryAddWithoutValidation("If-Match", etag);
        using var updated = await client.SendAsync(first);
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/registry/people/{id}") { Content = JsonContent.Create(new { name = "Lost update", email = person.GetProperty("email").GetString(), organisationId = org.Id }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        using var conflict = await client.SendAsync(stale);
        var current = await client.GetFromJsonAsync<JsonElement>($"/api/registry/people/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.True((await duplicate.ProblemAsync()).GetProperty("errors").TryGetProperty("email", out _));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, conflict.StatusCode);
        Assert.Equal("Jan Nowak-Kowalski", current.GetProperty("name").GetString());
    }

    [Fact]
    public async Task List_SortedAndPaged_ReturnsTheRequestedSlice()
    {
        await using var factory = PortalTestHost.Create(stack);
        var org = await factory.SeedOrganisationAsync();
        foreach (var name in new[] { "Zofia", "Adam", "Marta" })
        {
            await factory.SeedPersonAsync(name: name, organisationId: org.Id);
        }

        using var client = await factory.SignedInAsAsync("coordinator");

        var page = await client.GetFromJsonAsync<JsonElement>($"/api/registry/people?organisationId={org.Id}&sort=-name&page=2&pageSize=2");
        using var badSort = await client.GetAsync("/api/registry/people?sort=shoeSize");

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(["Adam"], page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, badSort.StatusCode);
        Assert.True((await badSort.ProblemAsync()).GetProperty("errors").TryGetProperty("sort", out _));
    }

    [Fact]
    public async Task Organisations_CreateWithNamesInSeveralLanguages_ReadBackAndDomainsAreUnique()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var client = await factory.SignedInAsAsync("coordinator");
        var id = "kprm-" + Guid.NewGuid().ToString("N")[..8];
        var domain = id + ".gov.example";

        using var created = await client.PostAsJsonAsync("/api/registry/organisations", new
        {
            id,
            names = new Dictionary<string, string> { ["en"] = "Chancellery of the Prime Minister", ["pl"] = "Kancelaria Prezesa Rady Ministrów" },
            type = "ministry",
            country = "PL",
            level = "national",
            domains = new[] { domain },
        });
        using var sameDomain = await client.PostAsJsonAsync("/api/registry/organisations", new { names = new { en = "Copycat" }, type = "agency", country = "PL", level = "federal", domains = new[] { domain } });
        var read = await client.GetFromJsonAsync<JsonElement>($"/api/registry/organisations/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Kancelaria Prezesa Rady Ministrów", read.GetProperty("names").GetProperty("pl").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, sameDomain.StatusCode);
        var errors = (await sameDomain.ProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("domains", out _));
        Assert.True(errors.TryGetProperty("level", out _));
    }

    [Fact]
    public async Task Registry_ByMember_Returns403()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var client = await factory.SignedInAsAsync();

        using var response = await client.GetAsync("/api/registry/people");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
