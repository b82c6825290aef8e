using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Nominations;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Nominations;

[Collection(StackCollection.Name)]
public sealed class ReviewTests(StackFixture stack)
{
    private static readonly TimeSpan MailWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Review_TwoReviewersScore_WeightedScoreDisagreementAndNoReviewerSeesAnother()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var domain = Domain();
        var (organisation, _, nominator) = await NominationTestHost.NominatorAsync(factory);
        var colleague = await factory.SeedPersonAsync(email: $"colleague@{domain}", name: "Same-organisation expert", organisationId: organisation.Id, roles: "reviewer");
        var reviewers = await NominationTestHost.ReviewersAsync(factory, 2, domain);
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([colleague.Id, .. reviewers.Select(r => r.Id)], perNomination: 2));
        await NominationTestHost.SubmitAsync(nominator, callId);

        using var started = await admin.PostAsync($"/api/nominations/calls/{callId}/review", null);
        var mails = await stack.Mail.WaitForDomainAsync(domain, 2, MailWait);
        var tokens = reviewers.Select(r => PortalTestHost.TokenFrom(mails.Single(m => m.To == r.Email).Message.Text())).ToList();
        using var client = await factory.ClientAsync();
        var first = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, tokens[0], NominationTestHost.Scores(5, 5, 5, "Outstanding clarity."));
        var secondPage = await NominationTestHost.ReviewAsync(client, HttpMethod.Get, tokens[1]);
        var invalid = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, tokens[1], new { action = "submit", scores = new Dictionary<string, int> { ["clarity"] = 9, ["other"] = 3 } });
        var second = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, tokens[1], NominationTestHost.Scores(1, 2, 1, "Goals are vague."));
        var replay = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, tokens[0], NominationTestHost.Scores(1, 1, 1));
        var board = await NominationTestHost.WaitForBoardAsync(admin, callId, b => b.GetProperty("entries")[0].GetProperty("status").GetString() == "reviewed", TimeSpan.FromSeconds(30));
        using var reviewerClient = await factory.SignedInClientAsync(reviewers[0]);
        using var boardAsReviewer = await reviewerClient.GetAsync($"/api/nominations/calls/{callId}/board");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.DoesNotContain(await stack.Mail.GetMessagesToAsync(colleague.Email), _ => true);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("submitted", first.Body.GetProperty("status").GetString());

        // The second reviewer's page carries the nomination and the criteria, never the first reviewer's answer.
        Assert.Equal("assigned", secondPage.Body.GetProperty("status").GetString());
        Assert.Empty(secondPage.Body.GetProperty("scores").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, secondPage.Body.GetProperty("comment").ValueKind);
        Assert.DoesNotContain("Outstanding clarity.", secondPage.Body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(3, secondPage.Body.GetProperty("criteria").GetArrayLength());

        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal(["scores.clarity", "scores.feasibility", "scores.impact", "scores.other"], invalid.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.Conflict, replay.Status);
        Assert.Equal("nom_review_closed", replay.Body.GetProperty("code").GetString());

        var entry = board.GetProperty("entries")[0];
        Assert.Equal("reviewed", entry.GetProperty("status").GetString());
        Assert.Equal(53.13, entry.GetProperty("score").GetDouble());
        Assert.True(entry.GetProperty("disagreement").GetBoolean());
        Assert.False(entry.GetProperty("aboveThreshold").GetBoolean());
        var reviews = entry.GetProperty("reviews").EnumerateArray().ToDictionary(r => r.GetProperty("reviewerId").GetString()!);
        Assert.Equal(5, reviews[reviewers[0].Id].GetProperty("scores").GetProperty("clarity").GetInt32());
        Assert.Equal("Goals are vague.", reviews[reviewers[1].Id].GetProperty("comment").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, boardAsReviewer.StatusCode);
    }

    [Fact]
    public async Task ReviewLink_ForgedExpiredOrForAnotherPurpose_DoesNothing()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (_, _, nominator) = await NominationTestHost.NominatorAsync(factory);
        var reviewers = await NominationTestHost.ReviewersAsync(factory, 1, Domain());
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([reviewers[0].Id], perNomination: 1));
        var nominationId = await NominationTestHost.SubmitAsync(nominator, callId);
        var store = factory.Services.GetRequiredService<NominationStore>();
        await store.AddAsync(new AssignmentEntity { PartitionKey = NominationStore.CallPartition(callId), RowKey = AssignmentEntity.RowFor(nominationId, reviewers[0].Id), CallId = callId, NominationId = nominationId, ReviewerId = reviewers[0].Id, AssignedAt = DateTimeOffset.UtcNow, RespondBy = DateTimeOffset.UtcNow.AddDays(5) }, default);
        // Issued an hour ago for a minute: the same token as the link's, only older.
        var anHourAgo = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromHours(1));
        var expired = await new ActionTokens(factory.Services.GetRequiredService<StorageClients>(), anHourAgo)
            .IssueAsync(ReviewLinks.Purpose, ReviewLinks.Subject(callId, nominationId, reviewers[0].Id), TimeSpan.FromMinutes(1), default);
        var signIn = await factory.Services.GetRequiredService<ActionTokens>().IssueAsync("sign-in", reviewers[0].Id, TimeSpan.FromMinutes(10), default);
        var forged = SecureToken.Create();
        using var client = await factory.ClientAsync();

        var answer = NominationTestHost.Scores(5, 5, 5);
        var results = new List<(HttpStatusCode, JsonElement)>();
        foreach (var token in new[] { forged, "not-a-token", expired, signIn })
        {
            results.Add(await NominationTestHost.ReviewAsync(client, HttpMethod.Get, token));
            results.Add(await NominationTestHost.ReviewAsync(client, HttpMethod.Post, token, answer));
        }

        using var noToken = await client.PostAsJsonAsync("/api/nominations/review", answer);
        var assignment = await store.GetAssignmentAsync(callId, nominationId, reviewers[0].Id, default);

        Assert.Equal(
            [
                (HttpStatusCode.NotFound, "token_invalid"), (HttpStatusCode.NotFound, "token_invalid"),
                (HttpStatusCode.NotFound, "token_invalid"), (HttpStatusCode.NotFound, "token_invalid"),
                (HttpStatusCode.BadRequest, "token_expired"), (HttpStatusCode.BadRequest, "token_expired"),
                (HttpStatusCode.NotFound, "token_invalid"), (HttpStatusCode.NotFound, "token_invalid"),
            ],
            results.Select(r => (r.Item1, r.Item2.GetProperty("code").GetString())));
        Assert.Equal(HttpStatusCode.NotFound, noToken.StatusCode);
        Assert.Equal(AssignmentStatus.Assigned, assignment!.Status);
        Assert.Empty(assignment.ScoreMap);
    }

    [Fact]
    public async Task Review_DeclineAndConflict_EachReplacedByAnotherReviewer()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var domain = Domain();
        var (_, _, nominator) = await NominationTestHost.NominatorAsync(factory);
        var reviewers = await NominationTestHost.ReviewersAsync(factory, 4, domain);
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody(reviewers.Select(r => r.Id), perNomination: 2));
        await NominationTestHost.SubmitAsync(nominator, callId);

        using var started = await admin.PostAsync($"/api/nominations/calls/{callId}/review", null);
        var asked = await stack.Mail.WaitForDomainAsync(domain, 2, MailWait);
        using var client = await factory.ClientAsync();
        var missingReason = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, PortalTestHost.TokenFrom(asked[1].Message.Text()), new { action = "conflict" });
        var declined = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, PortalTestHost.TokenFrom(asked[0].Message.Text()), new { action = "decline" });
        var conflict = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, PortalTestHost.TokenFrom(asked[1].Message.Text()), new { action = "conflict", conflictReason = "I advised this team last year." });
        var all = await stack.Mail.WaitForDomainAsync(domain, 4, MailWait);
        var board = await NominationTestHost.WaitForBoardAsync(admin, callId, b => b.GetProperty("entries")[0].GetProperty("reviews").GetArrayLength() == 4, TimeSpan.FromSeconds(20));

        Assert.Equal(["conflictReason"], missingReason.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal("declined", declined.Body.GetProperty("status").GetString());
        Assert.Equal("conflict", conflict.Body.GetProperty("status").GetString());
        Assert.Equal(4, all.Count);
        Assert.Equal(4, all.Select(m => m.To).Distinct().Count());
        var statuses = board.GetProperty("entries")[0].GetProperty("reviews").EnumerateArray().ToDictionary(r => r.GetProperty("reviewerId").GetString()!, r => r.GetProperty("status").GetString());
        Assert.Equal(["assigned", "assigned", "conflict", "declined"], statuses.Values.Order());
        Assert.Equal("I advised this team last year.", board.GetProperty("entries")[0].GetProperty("reviews").EnumerateArray().Single(r => r.GetProperty("status").GetString() == "conflict").GetProperty("conflictReason").GetString());
    }

    [Fact]
    public async Task Review_SilentReviewerWindowPassesWhileHostIsDown_ReplacedAfterRestart()
    {
        var hub = "nomr" + Guid.NewGuid().ToString("N")[..10];
        var domain = Domain();
        (string, string?)[] settings = [("Nominations:ReviewerResponseWindow", "00:00:06"), .. RestartSettings];
        string callId;
        string firstAddress;
        string firstToken;
        List<string> panel;
        DateTimeOffset respondBy;
        var first = NominationTestHost.Create(stack, hub, settings);
        try
        {
            using var admin = await first.SignedInAsAsync("admin");
            var (_, _, nominator) = await NominationTestHost.NominatorAsync(first);
            var reviewers = await NominationTestHost.ReviewersAsync(first, 2, domain);
            panel = [.. reviewers.Select(r => r.Email)];
            callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody(reviewers.Select(r => r.Id), perNomination: 1));
            var nominationId = await NominationTestHost.SubmitAsync(nominator, callId);
            using var started = await admin.PostAsync($"/api/nominations/calls/{callId}/review", null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var asked = Assert.Single(await stack.Mail.WaitForDomainAsync(domain, 1, MailWait));
            (firstAddress, firstToken) = (asked.To, PortalTestHost.TokenFrom(asked.Message.Text()));
            var reviewerId = reviewers.Single(r => string.Equals(r.Email, asked.To, StringComparison.OrdinalIgnoreCase)).Id;
            respondBy = (await first.Services.GetRequiredService<NominationStore>().GetAssignmentAsync(callId, nominationId, reviewerId, default))!.RespondBy;
        }
        finally
        {
            await first.DisposeAsync();
        }

        // The response window ends while no host runs.
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow > respondBy, "the first reviewer's response window to end", TimeSpan.FromSeconds(30));
        Assert.Single(await stack.Mail.WaitForDomainAsync(domain, 1, TimeSpan.Zero));

        await using var second = NominationTestHost.Create(stack, hub, settings);
        using var admin2 = await second.SignedInAsAsync("admin");
        var mails = await stack.Mail.WaitForDomainAsync(domain, 2, TimeSpan.FromSeconds(45));
        using var client = await second.ClientAsync();
        var late = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, firstToken, NominationTestHost.Scores(4, 4, 4));
        var board = await admin2.GetFromJsonAsync<JsonElement>($"/api/nominations/calls/{callId}/board");

        Assert.Equal(2, mails.Count);
        Assert.Equal(panel.Single(a => a != firstAddress), mails[1].To);
        Assert.Equal(HttpStatusCode.Conflict, late.Status);
        Assert.Equal("nom_review_closed", late.Body.GetProperty("code").GetString());
        Assert.Equal(["assigned", "replaced"], board.GetProperty("entries")[0].GetProperty("reviews").EnumerateArray().Select(r => r.GetProperty("status").GetString()).Order());
    }

    [Fact]
    public async Task Review_SilentReviewer_RemindedBeforeDeadlineAndExpiredAtIt()
    {
        await using var factory = NominationTestHost.Create(stack, null, ("Nominations:ReminderBeforeDeadline", "00:00:08"));
        using var admin = await factory.SignedInAsAsync("admin");
        var domain = Domain();
        var (_, _, nominator) = await NominationTestHost.NominatorAsync(factory);
        var reviewers = await NominationTestHost.ReviewersAsync(factory, 2, domain);
        var now = DateTimeOffset.UtcNow;
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody(reviewers.Select(r => r.Id), perNomination: 2, closesAt: now.AddSeconds(6), deadline: now.AddSeconds(16)));
        await NominationTestHost.SubmitAsync(nominator, callId);

        using var started = await admin.PostAsync($"/api/nominations/calls/{callId}/review", null);
        var asked = await stack.Mail.WaitForDomainAsync(domain, 2, MailWait);
        using var client = await factory.ClientAsync();
        var answered = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, PortalTestHost.TokenFrom(asked[0].Message.Text()), NominationTestHost.Scores(4, 4, 4));
        var all = await stack.Mail.WaitForDomainAsync(domain, 3, MailWait);
        var board = await NominationTestHost.WaitForBoardAsync(admin, callId, b => b.GetProperty("entries")[0].GetProperty("status").GetString() == "reviewed", TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, answered.Status);
        var reminder = all[2];
        Assert.Equal(asked[1].To, reminder.To);
        Assert.StartsWith("Reminder:", reminder.Message.Subject(), StringComparison.Ordinal);
        Assert.Equal(3, all.Count);
        var entry = board.GetProperty("entries")[0];
        Assert.Equal("reviewed", entry.GetProperty("status").GetString());
        Assert.Equal(1, entry.GetProperty("reviewCount").GetInt32());
        Assert.Equal(75, entry.GetProperty("score").GetDouble());
        Assert.Equal(["expired", "submitted"], entry.GetProperty("reviews").EnumerateArray().Select(r => r.GetProperty("status").GetString()).Order());
    }

    [Fact]
    public async Task Review_PassFailCall_ApproveAndRejectLinksOpenThePageAndOnlyThePostActs()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var domain = Domain();
        var (_, _, nominator) = await NominationTestHost.NominatorAsync(factory);
        var reviewers = await NominationTestHost.ReviewersAsync(factory, 1, domain);
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody(reviewers.Select(r => r.Id), perNomination: 1, passFail: true));
        await NominationTestHost.SubmitAsync(nominator, callId);

        using var started = await admin.PostAsync($"/api/nominations/calls/{callId}/review", null);
        var mail = Assert.Single(await stack.Mail.WaitForDomainAsync(domain, 1, MailWait)).Message.Text();
        var token = PortalTestHost.TokenFrom(mail);
        using var client = await factory.ClientAsync();
        var opened = await NominationTestHost.ReviewAsync(client, HttpMethod.Get, token);
        var openedAgain = await NominationTestHost.ReviewAsync(client, HttpMethod.Get, token);
        var boardBefore = await admin.GetFromJsonAsync<JsonElement>($"/api/nominations/calls/{callId}/board");
        var noVerdict = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, token, new { action = "submit" });
        var approved = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, token, new { action = "submit", verdict = "approve" });
        var rejectAfter = await NominationTestHost.ReviewAsync(client, HttpMethod.Post, token, new { action = "submit", verdict = "reject" });
        var board = await NominationTestHost.WaitForBoardAsync(admin, callId, b => b.GetProperty("entries")[0].GetProperty("status").GetString() == "reviewed", TimeSpan.FromSeconds(20));

        Assert.Contains($"#token={token}&verdict=approve", mail, StringComparison.Ordinal);
        Assert.Contains($"#token={token}&verdict=reject", mail, StringComparison.Ordinal);
        Assert.True(opened.Body.GetProperty("passFail").GetBoolean());
        Assert.Equal("assigned", openedAgain.Body.GetProperty("status").GetString());
        Assert.Equal("assigned", boardBefore.GetProperty("entries")[0].GetProperty("reviews")[0].GetProperty("status").GetString());
        Assert.Equal(["verdict"], noVerdict.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.OK, approved.Status);
        Assert.Equal(HttpStatusCode.Conflict, rejectAfter.Status);
        Assert.Equal(100, board.GetProperty("entries")[0].GetProperty("score").GetDouble());
    }

    /// <summary>Work cut off by the restart is picked up within seconds, not the production minutes.</summary>
    private static readonly (string, string?)[] RestartSettings =
    [
        ("Durable:VisibilityTimeout", "00:00:10"),
    ];

    private static string Domain() => $"n{Guid.NewGuid():N}"[..12] + ".gov.example";
}
