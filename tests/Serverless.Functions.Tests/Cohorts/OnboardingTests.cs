using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Cohorts;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Cohorts;

[Collection(StackCollection.Name)]
public sealed class OnboardingTests(StackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task Onboarding_StartCutOffBeforeItsRoundWasScheduled_TheMaintenanceSweepSchedulesItOnce()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("coordinator");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id);
        var email = PortalTestHost.UniqueEmail("cut-off");
        await CohortTestHost.AcceptAsync(admin, cohortId, [email]);
        var store = factory.Services.GetRequiredService<CohortStore>();

        // What a start request writes before it schedules the round: the round number and the participant taken in.
        var cohort = (await store.GetCohortAsync(cohortId, default))!;
        cohort.OnboardingRounds = 1;
        cohort.OnboardingDeadline = DateTimeOffset.UtcNow.AddDays(14);
        await store.UpdateAsync(cohort, default);
        var candidate = (await store.ListCandidatesAsync(cohortId, default)).Single();
        candidate.Status = CandidateStatus.Onboarding;
        candidate.Round = 1;
        await store.UpdateAsync(candidate, default);

        var durable = factory.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
        var options = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CohortOptions>>();
        // Other tests' cohorts share this storage account but not this task hub: only this cohort is swept.
        cohort = (await store.GetCohortAsync(cohortId, default))!;
        var tooSoon = await new CohortOnboardingSweep(store, durable, options, TimeProvider.System).SweepCohortAsync(cohort, default);
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow + CohortOnboardingSweep.Grace + TimeSpan.FromSeconds(5));
        var sweep = new CohortOnboardingSweep(store, durable, options, later);
        var started = await sweep.SweepCohortAsync(cohort, default);
        var again = await sweep.SweepCohortAsync(cohort, default);
        var welcome = await stack.Mail.WaitForMessagesToAsync(email, 1, TimeSpan.FromSeconds(30));
        var round = await durable.GetInstanceAsync(CohortOnboardingOrchestrator.InstanceIdFor(cohortId, 1));

        Assert.Equal((0, 1, 0), (tooSoon, started, again));
        Assert.NotNull(round);
        Assert.Single(welcome);
    }

    [Fact]
    public async Task Onboarding_40ParticipantsCompleteFromTheirEmails_40Of40AndOneWelcomeEachAndCoordinatorSummary()
    {
        var clock = Stopwatch.StartNew();
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("coordinator");
        var domain = $"o{Guid.NewGuid():N}"[..12] + ".gov.example";
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory, $"coordinator@{domain}");
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id, capacity: 41);
        var emails = Enumerable.Range(0, 40).Select(i => $"participant{i:D2}@{domain}").ToList();
        await CohortTestHost.AcceptAsync(admin, cohortId, emails, language: "he");

        using var started = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/onboarding", new { deadline = DateTimeOffset.UtcNow.AddHours(2), reminderHoursBefore = 1 });
        var start = await started.Content.ReadFromJsonAsync<JsonElement>();
        output.WriteLine($"started after {clock.Elapsed}");

        // Every participant reads the welcome in the local inbox and completes onboarding through its link.
        using var anonymous = await factory.ClientAsync();
        var welcomes = new List<JsonElement>();
        await Parallel.ForEachAsync(emails, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (email, _) =>
        {
            var mail = (await stack.Mail.WaitForMessagesToAsync(email, 1, TimeSpan.FromSeconds(60)))[0];
            lock (welcomes)
            {
                welcomes.Add(mail);
            }

            var token = PortalTestHost.TokenFrom(mail.GetProperty("text").GetString()!);
            using var done = await CohortTestHost.CompleteOnboardingAsync(anonymous, token);
            done.EnsureSuccessStatusCode();
        });
        output.WriteLine($"all completed after {clock.Elapsed}");
        var progress = await CohortTestHost.WaitForProgressAsync(admin, cohortId, p => CohortTestHost.AllRoundsCompleted(p) && p.GetProperty("onboarded").GetInt32() == 40, TimeSpan.FromSeconds(60));
        var summary = await stack.Mail.WaitForMessagesToAsync($"coordinator@{domain}", 1, TimeSpan.FromSeconds(30));

        // Starting again takes nobody in twice; a late participant gets a round of their own.
        using var again = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/onboarding", new { deadline = DateTimeOffset.UtcNow.AddHours(2) });
        var late = $"late@{domain}";
        await CohortTestHost.AcceptAsync(admin, cohortId, [late]);
        using var withLate = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/onboarding", new { deadline = DateTimeOffset.UtcNow.AddHours(2) });
        var lateWelcome = await stack.Mail.WaitForMessagesToAsync(late, 1, TimeSpan.FromSeconds(30));
        bool Participant(string address) => address.StartsWith("participant", StringComparison.Ordinal) && address.EndsWith("@" + domain, StringComparison.Ordinal);
        var delivered = await EmailOutboxTestKit.WaitForOutboxDrainedAsync(
            stack,
            async () => [.. (await EmailOutboxTestKit.RowsAsync(stack, TableClient.CreateQueryFilter($"To ge {"participant"} and To lt {"participant~"}"))).Where(r => Participant(r.To))],
            m => Recipients(m).Any(Participant),
            "to the participants");
        var inbox = delivered.SelectMany(Recipients).Where(Participant).ToList();
        output.WriteLine($"done after {clock.Elapsed}");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal((1, 40), (start.GetProperty("round").GetInt32(), start.GetProperty("added").GetInt32()));
        Assert.All(welcomes, w => Assert.StartsWith("ברוכים הבאים", w.GetProperty("subject").GetString(), StringComparison.Ordinal));
        Assert.Equal((40, 40, 40), (progress.GetProperty("total").GetInt32(), progress.GetProperty("onboarded").GetInt32(), progress.GetProperty("welcomed").GetInt32()));
        Assert.Empty(progress.GetProperty("stuck").EnumerateArray());
        Assert.Contains("40", Assert.Single(summary).GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("added").GetInt32());
        var lateStart = await withLate.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, 1), (lateStart.GetProperty("round").GetInt32(), lateStart.GetProperty("added").GetInt32()));
        Assert.Single(lateWelcome);
        Assert.Equal(40, inbox.Count);
        Assert.Equal(40, inbox.Distinct().Count());
    }

    [Fact]
    public async Task Onboarding_SilentParticipant_IsRemindedThenEscalatedToCoordinatorAndShownAsStuck()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var domain = $"s{Guid.NewGuid():N}"[..12] + ".gov.example";
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory, $"coordinator@{domain}");
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id);
        string[] emails = [$"busy@{domain}", $"silent@{domain}"];
        await CohortTestHost.AcceptAsync(admin, cohortId, emails);

        using var started = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/onboarding", new { deadline = DateTimeOffset.UtcNow.AddSeconds(10), reminderHoursBefore = 5.0 / 3600 });
        var busyToken = PortalTestHost.TokenFrom((await stack.Mail.WaitForMessagesToAsync(emails[0], 1, TimeSpan.FromSeconds(30)))[0].GetProperty("text").GetString()!);
        using var anonymous = await factory.ClientAsync();
        using var partial = CohortTestHost.WithToken(HttpMethod.Put, "/api/cohort-onboarding", busyToken, new { jobTitle = "Director", consent = true });
        using var partialResponse = await anonymous.SendAsync(partial);
        var afterPartial = await partialResponse.Content.ReadFromJsonAsync<JsonElement>();
        using var tooLong = CohortTestHost.WithToken(HttpMethod.Put, "/api/cohort-onboarding", busyToken, new { challengeTitle = new string('x', 201) });
        using var tooLongResponse = await anonymous.SendAsync(tooLong);
        using var completed = await CohortTestHost.CompleteOnboardingAsync(anonymous, busyToken);
        var progress = await CohortTestHost.WaitForProgressAsync(admin, cohortId, CohortTestHost.AllRoundsCompleted, TimeSpan.FromSeconds(60));
        var silentMail = await stack.Mail.WaitForMessagesToAsync(emails[1], 2, TimeSpan.FromSeconds(10));
        var coordinatorMail = await stack.Mail.WaitForMessagesToAsync($"coordinator@{domain}", 2, TimeSpan.FromSeconds(20));

        // Finishing late still counts: the record is the truth, the finished orchestration ignores the event.
        var silentToken = PortalTestHost.TokenFrom(silentMail[1].GetProperty("text").GetString()!);
        using var late = await CohortTestHost.CompleteOnboardingAsync(anonymous, silentToken);
        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/onboarding");

        Assert.Equal(["challenge"], afterPartial.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.True((await tooLongResponse.ProblemAsync()).GetProperty("errors").TryGetProperty("challengeTitle", out _));
        Assert.Equal("onboarded", (await completed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal((2, 1, 1), (progress.GetProperty("total").GetInt32(), progress.GetProperty("onboarded").GetInt32(), progress.GetProperty("escalated").GetInt32()));
        var stuck = Assert.Single(progress.GetProperty("stuck").EnumerateArray());
        Assert.Equal(emails[1], stuck.GetProperty("email").GetString());
        Assert.Equal(["profile", "consent", "challenge"], stuck.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.NotEqual(JsonValueKind.Null, stuck.GetProperty("remindedAt").ValueKind);
        Assert.StartsWith("Reminder", silentMail[1].GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains(coordinatorMail, m => m.GetProperty("subject").GetString()!.StartsWith("קליטה באיחור", StringComparison.Ordinal));
        Assert.Contains(coordinatorMail, m => m.GetProperty("subject").GetString()!.StartsWith("סיכום קליטה", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(2, after.GetProperty("onboarded").GetInt32());
        Assert.Empty(after.GetProperty("stuck").EnumerateArray());
    }

    [Fact]
    public async Task Onboarding_ParticipantWithdrawnMidway_EndsTheirOnboardingFreesTheSeatAndRefusesTheirLink()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("coordinator");
        var domain = $"w{Guid.NewGuid():N}"[..12] + ".gov.example";
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory, $"coordinator@{domain}");
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id);
        var ids = await CohortTestHost.AcceptAsync(admin, cohortId, [$"leaving@{domain}"]);

        (await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/onboarding", new { deadline = DateTimeOffset.UtcNow.AddDays(7) })).EnsureSuccessStatusCode();
        var token = PortalTestHost.TokenFrom((await stack.Mail.WaitForMessagesToAsync($"leaving@{domain}", 1, TimeSpan.FromSeconds(30)))[0].GetProperty("text").GetString()!);
        using var withdrawn = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}/candidates/{ids.Values.Single()}/status", new { status = "withdrawn" });
        var progress = await CohortTestHost.WaitForProgressAsync(admin, cohortId, CohortTestHost.AllRoundsCompleted, TimeSpan.FromSeconds(30));
        using var anonymous = await factory.ClientAsync();
        using var refused = await CohortTestHost.CompleteOnboardingAsync(anonymous, token);
        var cohort = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}");
        var summary = await stack.Mail.WaitForMessagesToAsync($"coordinator@{domain}", 1, TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.True(CohortTestHost.AllRoundsCompleted(progress));
        Assert.Equal(0, progress.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("not_participant", (await refused.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(0, cohort.GetProperty("seatsTaken").GetInt32());
        Assert.Single(summary);
    }

    [Fact]
    public async Task Onboarding_HostRestartedMidway_LosesNothingAndDuplicatesNothing()
    {
        var hub = "cor" + Guid.NewGuid().ToString("N")[..10];
        var domain = $"k{Guid.NewGuid():N}"[..12] + ".gov.example";
        var clock = Stopwatch.StartNew();
        string cohortId;
        List<string> emails = [.. Enumerable.Range(0, 40).Select(i => $"member{i:D2}@{domain}")];

        // First host: onboarding started, some welcomes written to the outbox, none delivered.
        var first = CohortTestHost.Create(stack, hub, [("Email:EnablePollers", "false"), .. RestartSettings]);
        try
        {
            using var admin = await first.SignedInAsAsync("admin");
            var coordinator = await CohortTestHost.SeedCoordinatorAsync(first, $"coordinator@{domain}");
            cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id);
            await CohortTestHost.AcceptAsync(admin, cohortId, emails);
            using var started = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/onboarding", new { deadline = DateTimeOffset.UtcNow.AddHours(1), reminderHoursBefore = 0 });
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var store = first.Services.GetRequiredService<CohortStore>();
            var welcomed = await Wait.ForAsync(
                async () => (await store.ListCandidatesAsync(cohortId, default)).Count(c => c.WelcomeSentAt is not null),
                count => count >= 5,
                "5 participants welcomed",
                every: TimeSpan.FromMilliseconds(200));

            output.WriteLine($"restarting with {welcomed} welcomed after {clock.Elapsed}");
            Assert.InRange(welcomed, 5, 39);
        }
        finally
        {
            await first.DisposeAsync();
        }

        // Second host on the same storage and task hub: onboarding carries on, the outbox delivers, and a repeated start adds nothing.
        await using var second = CohortTestHost.Create(stack, hub, RestartSettings);
        using var admin2 = await second.SignedInAsAsync("admin");
        var progress = await CohortTestHost.WaitForProgressAsync(admin2, cohortId, p => p.GetProperty("welcomed").GetInt32() == 40, TimeSpan.FromSeconds(90));
        using var again = await admin2.PostAsJsonAsync($"/api/cohorts/{cohortId}/onboarding", new { deadline = DateTimeOffset.UtcNow.AddHours(1) });
        var welcomes = await WelcomesInOutboxAsync(second, cohortId);
        bool Member(string address) => address.StartsWith("member", StringComparison.Ordinal) && address.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase);
        var delivered = await EmailOutboxTestKit.WaitForOutboxDrainedAsync(
            stack, () => EmailOutboxTestKit.RowsWithKeyPrefixAsync(stack, $"cohort-welcome/{cohortId}/"), m => Recipients(m).Any(Member), "welcoming the cohort", TimeSpan.FromSeconds(90));
        var inbox = delivered.SelectMany(Recipients).Where(Member).ToList();
        output.WriteLine($"{welcomes.Count} welcomes in the outbox, {inbox.Count} in the inbox after {clock.Elapsed}");

        Assert.Equal((40, 40), (progress.GetProperty("total").GetInt32(), progress.GetProperty("welcomed").GetInt32()));
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("added").GetInt32());
        Assert.Equal(40, welcomes.Count);
        Assert.Equal(emails.Order(), welcomes.Order());
        Assert.Equal(inbox.Count, inbox.Distinct().Count());
        Assert.Equal(emails.Order(), inbox.Order());
    }

    private static readonly (string, string?)[] RestartSettings =
    [
        ("Durable:VisibilityTimeout", "00:00:15"),
    ];

    private static async Task<List<string>> WelcomesInOutboxAsync(PlatformFactory factory, string cohortId)
    {
        var table = factory.Services.GetRequiredService<StorageClients>().Tables.GetTableClient(EmailOutboxEntity.TableName);
        var prefix = $"cohort-welcome/{cohortId}/";
        var recipients = new List<string>();
        await foreach (var row in table.QueryAsync<EmailOutboxEntity>(TableClient.CreateQueryFilter($"MessageKey ge {prefix} and MessageKey lt {prefix + "~"}")))
        {
            recipients.Add(row.To);
        }

        return recipients;
    }

    private static IEnumerable<string> Recipients(JsonElement message) =>
        message.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString()!);
}
