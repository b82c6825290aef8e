using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Tests.Identity;
using Serverless.Functions.Workshops;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Workshops;

[Collection(StackCollection.Name)]
public sealed class RegistrationTests(StackFixture stack)
{
    [Fact]
    public async Task Register_ThroughLink_ConfirmsSeatAndEmailsCalendarEntryWithEncodedAnswer()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var person = await factory.SeedPersonAsync(language: "el", name: "Μαρία Γεωργίου");
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, [person]);
        using var client = await factory.ClientAsync();

        var page = await WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/invitation", tokens[0]);
        using var registered = await WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId, "<script>alert('x')</script> coordination");
        var body = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var mail = (await stack.Mail.WaitForMessagesToAsync(person.Email, 1, TimeSpan.FromSeconds(20))).Single();

        Assert.Equal("Μαρία Γεωργίου", page.GetProperty("person").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("registration").ValueKind);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal("confirmed", body.GetProperty("registration").GetProperty("status").GetString());
        Assert.Equal("<script>alert('x')</script> coordination", body.GetProperty("registration").GetProperty("answers").GetProperty("challenge").GetString());
        var html = mail.GetProperty("html").GetString()!;
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<script>alert('x')</script> coordination", mail.GetProperty("text").GetString()!, StringComparison.Ordinal);
        Assert.True(mail.GetProperty("attachments")[0].ToString().Contains("workshop.ics", StringComparison.Ordinal), mail.GetProperty("attachments").ToString());
    }

    [Fact]
    public async Task Register_RequestStoppedRightAfterTheSeatWasGranted_FollowUpSweepSendsTheConfirmationOnceAndMarksTheInvitation()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var person = (await WorkshopTestHost.SeedPeopleAsync(factory, 1))[0];
        var (campaignId, _) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, [person]);
        var store = factory.Services.GetRequiredService<WorkshopStore>();
        var now = DateTimeOffset.UtcNow;

        // What a registration request commits first, the seat with its follow-up owed; then the process dies.
        var row = new RegistrationEntity
        {
            PartitionKey = WorkshopStore.SeriesPartition(seriesId),
            RowKey = RegistrationEntity.Prefix + person.Id,
            SeriesId = seriesId,
            PersonId = person.Id,
            Name = person.Name,
            Email = person.Email,
            CampaignId = campaignId,
            SessionId = sessionId,
            ConsentGivenAt = now,
            CreatedAt = now,
            UpdatedAt = now,
            FollowUpDueAt = now - RegistrationFollowUpSweep.Grace - TimeSpan.FromSeconds(1),
        };
        var seat = await factory.Services.GetRequiredService<SeatAllocator>().AllocateAsync(row, waitlistEnabled: true, [], default);
        var sweep = factory.Services.GetServices<Serverless.Functions.Platform.Functions.IMaintenanceSweep>().OfType<RegistrationFollowUpSweep>().Single();
        await sweep.SweepAsync(default);
        await sweep.SweepAsync(default);
        var mail = await EmailOutboxTestKit.WaitForOutboxDrainedAsync(stack, person.Email);

        Assert.Equal(SeatOutcome.Confirmed, seat.Outcome);
        Assert.Contains("/workshops/invitation", Assert.Single(mail).GetProperty("text").GetString()!, StringComparison.Ordinal);
        Assert.Equal(InvitationStatus.Registered, (await store.GetInvitationAsync(campaignId, person.Id, default))!.Status);
        Assert.Null((await store.GetRegistrationAsync(seriesId, person.Id, default))!.FollowUpDueAt);
    }

    [Fact]
    public async Task Register_SameLinkTwiceAtOnce_ActsOnce()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var person = await factory.SeedPersonAsync();
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, [person]);
        using var client = await factory.ClientAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId)));
        using var later = await WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId);
        var registrations = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}/registrations");
        var series = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}");
        // The registration's follow-up (its confirmation email) runs after the answer; once it is done, so is the email.
        var store = factory.Services.GetRequiredService<WorkshopStore>();
        await Wait.UntilAsync(async () => (await store.GetRegistrationAsync(seriesId, person.Id, default))?.FollowUpDueAt is null, "the registration's follow-up");
        var mails = await EmailOutboxTestKit.WaitForOutboxDrainedAsync(stack, person.Email);

        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.Created) == 1, string.Join(", ", await Task.WhenAll(responses.Select(async r => r.StatusCode + " " + await r.Content.ReadAsStringAsync()))));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(HttpStatusCode.Conflict, later.StatusCode);
        Assert.Equal("already_registered", (await later.ProblemAsync()).GetProperty("code").GetString());
        Assert.Single(registrations.EnumerateArray());
        Assert.Equal(1, series.GetProperty("sessions")[0].GetProperty("seats").GetProperty("taken").GetInt32());
        Assert.Single(mails);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Register_ThroughALinkAlreadyOpened_ActsOnceAndComesBackToLifeAfterCancelling()
    {
        // Opening the page remembers the link, so these registrations read neither the token nor
        // the registration up front: the row's Add finds the duplicate, then the row is read.
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin, capacity: 2);
        var person = await factory.SeedPersonAsync();
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, [person]);
        using var client = await factory.ClientAsync();
        await WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/invitation", tokens[0]);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId)));
        var created = responses.Single(r => r.StatusCode == HttpStatusCode.Created);
        var page = await created.Content.ReadFromJsonAsync<JsonElement>();
        var cancelled = await WorkshopTestHost.SendAsync(client, HttpMethod.Post, "/api/workshops/invitation/cancel", tokens[0]);
        using var again = await WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId);
        var back = await again.Content.ReadFromJsonAsync<JsonElement>();
        var registrations = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}/registrations");
        var seats = (await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}")).GetProperty("sessions")[0].GetProperty("seats");

        Assert.All(responses.Where(r => r != created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal("confirmed", page.GetProperty("registration").GetProperty("status").GetString());
        Assert.Equal(person.Name, page.GetProperty("person").GetProperty("name").GetString());
        Assert.Equal(1, page.GetProperty("sessions")[0].GetProperty("seatsLeft").GetInt32());
        Assert.Equal("cancelled", cancelled.GetProperty("registration").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("confirmed", back.GetProperty("registration").GetProperty("status").GetString());
        Assert.Single(registrations.EnumerateArray());
        Assert.Equal(1, seats.GetProperty("taken").GetInt32());
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Register_500InParallelFor40Seats_Exactly40ConfirmedRestWaitlistedInOrderNoDuplicates()
    {
        await using var factory = WorkshopTestHost.Create(stack, null, ("Email:Smtp:Port", "1"), ("Email:EnablePollers", "false"));
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin, capacity: 40);
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 500);
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        using var client = await factory.ClientAsync();

        var responses = await Task.WhenAll(tokens.Select(t => WorkshopTestHost.RegisterAsync(client, t, sessionId)));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        var registrations = (await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}/registrations")).EnumerateArray().ToList();
        var seats = (await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}")).GetProperty("sessions")[0].GetProperty("seats");
        var rows = await factory.Services.GetRequiredService<WorkshopStore>().ListRegistrationsAsync(seriesId, default);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(40, bodies.Count(b => b.GetProperty("registration").GetProperty("status").GetString() == "confirmed"));
        Assert.Equal(460, bodies.Count(b => b.GetProperty("registration").GetProperty("status").GetString() == "waitlisted"));
        Assert.Equal(500, registrations.Select(r => r.GetProperty("personId").GetString()).Distinct().Count());
        Assert.Equal(40, rows.Count(r => r.Status == RegistrationStatus.Confirmed));
        var numbers = rows.Where(r => r.Status == RegistrationStatus.Waitlisted).Select(r => r.WaitlistNumber).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 460).Select(i => (long)i), numbers);
        var positions = registrations.Where(r => r.GetProperty("status").GetString() == "waitlisted").Select(r => r.GetProperty("waitlistPosition").GetInt32()).Order();
        Assert.Equal(Enumerable.Range(1, 460), positions);
        Assert.Equal(40, seats.GetProperty("taken").GetInt32());
        Assert.Equal(460, seats.GetProperty("waitlisted").GetInt32());
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Cancel_ConfirmedSeat_OffersItToFirstWaitlistedWhoseOfferLapsesToTheNext()
    {
        await using var factory = WorkshopTestHost.Create(stack, null, ("Workshops:OfferLifetime", "00:00:03"));
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin, capacity: 1);
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 3);
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        using var client = await factory.ClientAsync();
        foreach (var token in tokens)
        {
            (await WorkshopTestHost.RegisterAsync(client, token, sessionId)).Dispose();
        }

        var cancelled = await WorkshopTestHost.SendAsync(client, HttpMethod.Post, "/api/workshops/invitation/cancel", tokens[0]);
        var offered = await WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/invitation", tokens[1]);
        var offerMail = await stack.Mail.WaitForMessagesToAsync(people[1].Email, 2, TimeSpan.FromSeconds(20));
        var third = await WaitForStatusAsync(client, tokens[2], "offered", TimeSpan.FromSeconds(30));
        var second = await WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/invitation", tokens[2]);
        var accepted = await WorkshopTestHost.SendAsync(client, HttpMethod.Post, "/api/workshops/invitation/accept-offer", tokens[2]);
        var lapsed = await WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/invitation", tokens[1]);
        var seats = (await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}")).GetProperty("sessions")[0].GetProperty("seats");

        Assert.Equal("cancelled", cancelled.GetProperty("registration").GetProperty("status").GetString());
        Assert.Equal("offered", offered.GetProperty("registration").GetProperty("status").GetString());
        Assert.Contains(offerMail, m => m.GetProperty("subject").GetString()!.Contains("seat", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("offered", third.GetProperty("registration").GetProperty("status").GetString());
        Assert.Equal("offered", second.GetProperty("registration").GetProperty("status").GetString());
        Assert.Equal("confirmed", accepted.GetProperty("registration").GetProperty("status").GetString());
        Assert.Equal("lapsed", lapsed.GetProperty("registration").GetProperty("status").GetString());
        Assert.Equal(1, seats.GetProperty("taken").GetInt32());
        Assert.Equal(0, seats.GetProperty("waitlisted").GetInt32());
    }

    [Fact]
    public async Task Change_ToAnotherSession_MovesTheSeatAndPromotesTheWaitlistOfTheOldOne()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, first) = await WorkshopTestHost.CreateSeriesAsync(admin, capacity: 1);
        using var created = await admin.PostAsJsonAsync($"/api/workshops/series/{seriesId}/sessions", WorkshopTestHost.SessionBody(capacity: 5, start: "2031-07-19T10:00", end: "2031-07-19T12:00"));
        var second = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 2);
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        using var client = await factory.ClientAsync();
        (await WorkshopTestHost.RegisterAsync(client, tokens[0], first)).Dispose();
        (await WorkshopTestHost.RegisterAsync(client, tokens[1], first)).Dispose();

        var changed = await WorkshopTestHost.SendAsync(client, HttpMethod.Put, "/api/workshops/invitation/registration", tokens[0], new { sessionId = second, answers = new Dictionary<string, string> { ["challenge"] = "Changed my mind" } });
        var promoted = await WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/invitation", tokens[1]);
        var sessions = (await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}")).GetProperty("sessions");

        Assert.Equal(second, changed.GetProperty("registration").GetProperty("sessionId").GetString());
        Assert.Equal("confirmed", changed.GetProperty("registration").GetProperty("status").GetString());
        Assert.Equal("Changed my mind", changed.GetProperty("registration").GetProperty("answers").GetProperty("challenge").GetString());
        Assert.Equal("offered", promoted.GetProperty("registration").GetProperty("status").GetString());
        Assert.Equal(1, sessions[0].GetProperty("seats").GetProperty("taken").GetInt32());
        Assert.Equal(1, sessions[1].GetProperty("seats").GetProperty("taken").GetInt32());
    }

    [Fact]
    public async Task Register_BadInput_GivesClearProblemsAndWritesNothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = WorkshopTestHost.Create(stack, time);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin, capacity: 1, waitlist: false);
        var (closedSeries, closedSession) = await WorkshopTestHost.CreateSeriesAsync(admin, deadline: time.GetUtcNow().AddSeconds(2));
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 3);
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        var (_, closedTokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, closedSeries, people.Take(1).ToList());
        var (campaignId, _) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people.Skip(2).ToList());
        var actionTokens = factory.Services.GetRequiredService<ActionTokens>();
        var expiredToken = await actionTokens.IssueAsync(InvitationLinks.InvitationPurpose, InvitationLinks.InvitationSubject(campaignId, people[2].Id), TimeSpan.FromSeconds(1), default);
        var signIn = await actionTokens.IssueAsync("sign-in", people[2].Id, TimeSpan.FromMinutes(5), default);
        using var client = await factory.ClientAsync();
        time.Advance(TimeSpan.FromSeconds(3));

        using var oversized = await WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId, new string('x', 201));
        using var noConsent = WorkshopTestHost.WithToken(HttpMethod.Post, "/api/workshops/invitation/registration", tokens[0], new { sessionId = "nope", answers = new Dictionary<string, string> { ["other"] = "x" } });
        using var noConsentResponse = await client.SendAsync(noConsent);
        using var closed = await WorkshopTestHost.RegisterAsync(client, closedTokens[0], closedSession);
        using var firstSeat = await WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId);
        using var full = await WorkshopTestHost.RegisterAsync(client, tokens[1], sessionId);
        using var expired = await WorkshopTestHost.RegisterAsync(client, expiredToken, sessionId);
        using var wrongPurpose = await WorkshopTestHost.RegisterAsync(client, signIn, sessionId);
        using var junk = await WorkshopTestHost.RegisterAsync(client, "not-a-token", sessionId);
        using var unknown = await WorkshopTestHost.RegisterAsync(client, SecureToken.Create(), sessionId);
        using var noHeader = await client.GetAsync("/api/workshops/invitation");
        var registrations = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}/registrations");

        Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
        Assert.True((await oversized.ProblemAsync()).GetProperty("errors").TryGetProperty("answers.challenge", out _));
        var fields = (await noConsentResponse.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["answers.challenge", "answers.other", "consent", "sessionId"], fields);
        Assert.Equal("registration_closed", (await closed.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Created, firstSeat.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Equal("session_full", (await full.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Equal("token_expired", (await expired.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, wrongPurpose.StatusCode);
        Assert.Equal("token_invalid", (await wrongPurpose.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, junk.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noHeader.StatusCode);
        Assert.Single(registrations.EnumerateArray());
    }

    [Fact]
    public async Task Decline_ThroughLink_MarksInvitationAndLaterRegistrationStillWorks()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 1);
        var (campaignId, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        using var client = await factory.ClientAsync();

        var declined = await WorkshopTestHost.SendAsync(client, HttpMethod.Post, "/api/workshops/invitation/decline", tokens[0]);
        var invitation = await factory.Services.GetRequiredService<WorkshopStore>().GetInvitationAsync(campaignId, people[0].Id, default);
        using var registered = await WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId);
        using var declineAfter = WorkshopTestHost.WithToken(HttpMethod.Post, "/api/workshops/invitation/decline", tokens[0]);
        using var declineAfterResponse = await client.SendAsync(declineAfter);

        Assert.Equal("declined", declined.GetProperty("invitationStatus").GetString());
        Assert.Equal(InvitationStatus.Declined, invitation!.Status);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, declineAfterResponse.StatusCode);
    }

    private static Task<JsonElement> WaitForStatusAsync(HttpClient client, string token, string status, TimeSpan timeout) =>
        Wait.ForAsync(
            () => WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/invitation", token),
            page => page.GetProperty("registration").ValueKind == JsonValueKind.Object && page.GetProperty("registration").GetProperty("status").GetString() == status,
            $"the registration to be {status}",
            timeout,
            TimeSpan.FromMilliseconds(200));
}
