using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Registry;
using Serverless.Functions.Tests.Identity;
using Serverless.Functions.Workshops;

namespace Serverless.Functions.Tests.Workshops;

/// <summary>
/// An invitation link remembered in memory (so a registration burst reads nothing per request)
/// never outlives the person it was issued to: once they are deleted, registering through it is
/// refused, nothing is written and nothing is emailed, in this app instance and in another one.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ErasedPersonLinkTests(StackFixture stack)
{
    [Fact]
    public async Task Register_PersonDeletedAfterOpeningTheLink_IsRefusedAndNothingIsWrittenOrEmailed()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var person = await factory.SeedPersonAsync();
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, [person]);
        using var client = await factory.ClientAsync();
        var page = await WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/invitation", tokens[0]);

        using var deleted = await admin.DeleteAsync($"/api/registry/people/{person.Id}");
        using var registered = await WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId);

        Assert.Equal(person.Name, page.GetProperty("person").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertRefusedAndNothingWrittenAsync(factory, admin, registered, seriesId, person);
    }

    [Fact]
    public async Task Register_PersonDeletedAfterTheCampaignIssuedTheLink_IsRefusedAndNothingIsWrittenOrEmailed()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var person = await factory.SeedPersonAsync();
        var (campaignId, _) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, [person]);

        // As the campaign issues it: remembered with the invitee's details, never read back before a registration.
        var token = await factory.Services.GetRequiredService<InvitationResolver>().IssueInvitationLinkAsync(
            campaignId, new WorkshopEmails.Recipient(person.Id, person.Email, person.Name, "en"), "", DateTimeOffset.UtcNow.AddDays(30), default);
        using var deleted = await admin.DeleteAsync($"/api/registry/people/{person.Id}");
        using var client = await factory.ClientAsync();
        using var registered = await WorkshopTestHost.RegisterAsync(client, token, sessionId);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertRefusedAndNothingWrittenAsync(factory, admin, registered, seriesId, person);
    }

    [Fact]
    public async Task Register_PersonDeletedThroughAnotherAppInstance_IsRefusedHereToo()
    {
        // Two app instances on one storage: this one remembers the link, the other deletes the person.
        await using var here = WorkshopTestHost.Create(stack, null, ("Workshops:ErasureCheckInterval", "00:00:00"));
        await using var there = WorkshopTestHost.Create(stack);
        using var admin = await here.SignedInAsAsync("admin");
        using var otherAdmin = await there.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var person = await here.SeedPersonAsync();
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(here, seriesId, [person]);
        using var client = await here.ClientAsync();
        await WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/invitation", tokens[0]);

        using var deleted = await otherAdmin.DeleteAsync($"/api/registry/people/{person.Id}");
        using var registered = await WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertRefusedAndNothingWrittenAsync(here, admin, registered, seriesId, person);
    }

    [Fact]
    public async Task Register_SomeoneElseDeleted_StillRegisters()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var person = await factory.SeedPersonAsync();
        var other = await factory.SeedPersonAsync();
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, [person]);
        using var client = await factory.ClientAsync();
        await WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/invitation", tokens[0]);

        using var deleted = await admin.DeleteAsync($"/api/registry/people/{other.Id}");
        using var registered = await WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(person.Name, (await factory.Services.GetRequiredService<WorkshopStore>().GetRegistrationAsync(seriesId, person.Id, default))!.Name);
    }

    private static async Task AssertRefusedAndNothingWrittenAsync(PlatformFactory factory, HttpClient admin, HttpResponseMessage registered, string seriesId, PersonEntity person)
    {
        Assert.Equal(HttpStatusCode.NotFound, registered.StatusCode);
        Assert.Equal("token_invalid", (await registered.ProblemAsync()).GetProperty("code").GetString());
        Assert.Null(await factory.Services.GetRequiredService<WorkshopStore>().GetRegistrationAsync(seriesId, person.Id, default));
        var series = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}");
        Assert.Equal(0, series.GetProperty("sessions")[0].GetProperty("seats").GetProperty("taken").GetInt32());
        Assert.False(await factory.Services.GetRequiredService<EmailOutbox>().ContainsAsync($"workshop-registration/{seriesId}/{person.Id}/1", default));
    }
}
