using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using Serverless.Functions.Tests.Identity;
using Serverless.Functions.Workshops;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Workshops;

[Collection(StackCollection.Name)]
public sealed class CampaignTests(StackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task Campaign_RegisterDeclineAndSilence_RemindsTheSilentOneThenExpiresAndCounts()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var domain = $"c{Guid.NewGuid():N}"[..12] + ".gov.example";
        string[] emails = [$"anna@{domain}", $"bob@{domain}", $"chloe@{domain}"];
        var csv = "email,name,language\n" + $"{emails[0]},Anna Kowalska,pl\n{emails[1]},Bob,en\n{emails[2]},Χλόη,el\n";

        // Anna and Bob answer before the reminder, 10 seconds in (room for a loaded machine to deliver their invitations).
        using var started = await admin.PostAsJsonAsync("/api/workshops/campaigns", new { seriesId, emailsCsv = csv, deadline = DateTimeOffset.UtcNow.AddSeconds(20), reminderDaysBefore = 10.0 / 86400 });
        var campaign = await started.Content.ReadFromJsonAsync<JsonElement>();
        var campaignId = campaign.GetProperty("id").GetString()!;
        var annaToken = PortalTestHost.TokenFrom((await stack.Mail.WaitForMessagesToAsync(emails[0], 1, TimeSpan.FromSeconds(30)))[0].GetProperty("text").GetString()!);
        var bobToken = PortalTestHost.TokenFrom((await stack.Mail.WaitForMessagesToAsync(emails[1], 1, TimeSpan.FromSeconds(30)))[0].GetProperty("text").GetString()!);
        using var client = await factory.ClientAsync();
        using var registered = await WorkshopTestHost.RegisterAsync(client, annaToken, sessionId);
        var declined = await WorkshopTestHost.SendAsync(client, HttpMethod.Post, "/api/workshops/invitation/decline", bobToken);
        var done = await WaitForCampaignAsync(admin, campaignId, TimeSpan.FromSeconds(60));
        var invitations = (await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/campaigns/{campaignId}/invitations")).EnumerateArray().ToDictionary(i => i.GetProperty("email").GetString()!, i => i);
        var chloeMail = await stack.Mail.WaitForMessagesToAsync(emails[2], 2, TimeSpan.FromSeconds(10));
        // The campaign has finished, so every reminder it sent is in the outbox.
        var bobMail = await EmailOutboxTestKit.WaitForOutboxDrainedAsync(stack, emails[1]);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(3, campaign.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal("declined", declined.GetProperty("invitationStatus").GetString());
        Assert.Equal("Completed", done.GetProperty("runtimeStatus").GetString());
        var status = done.GetProperty("customStatus");
        Assert.Equal((3, 3, 1, 1, 1, 0), (status.GetProperty("total").GetInt32(), status.GetProperty("sent").GetInt32(), status.GetProperty("registered").GetInt32(), status.GetProperty("declined").GetInt32(), status.GetProperty("expired").GetInt32(), status.GetProperty("bounced").GetInt32()));
        Assert.Equal("registered", invitations[emails[0]].GetProperty("status").GetString());
        Assert.Equal("declined", invitations[emails[1]].GetProperty("status").GetString());
        Assert.Equal("expired", invitations[emails[2]].GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, invitations[emails[2]].GetProperty("remindedAt").ValueKind);
        Assert.Equal(2, chloeMail.Count);
        Assert.StartsWith("Υπενθύμιση", chloeMail[1].GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Single(bobMail);
    }

    [Fact]
    public async Task Campaign_1000InviteesHostRestartedMidway_SendsExactlyOneInvitationEach()
    {
        var hub = "wsc" + Guid.NewGuid().ToString("N")[..10];
        var domain = $"k{Guid.NewGuid():N}"[..12] + ".gov.example";
        var clock = Stopwatch.StartNew();
        string campaignId;

        // First host: campaign started, invitations written to the outbox, nothing delivered yet.
        var first = WorkshopTestHost.Create(stack, hub, [("Email:EnablePollers", "false"), .. RestartSettings]);
        try
        {
            using var admin = await first.SignedInAsAsync("admin");
            var (seriesId, _) = await WorkshopTestHost.CreateSeriesAsync(admin);
            var csv = new StringBuilder("email,name\n");
            for (var i = 0; i < 1000; i++)
            {
                csv.Append(CultureInfoInvariant($"invitee{i:D4}@{domain},Invitee {i:D4}\n"));
            }

            using var started = await admin.PostAsJsonAsync("/api/workshops/campaigns", new { seriesId, emailsCsv = csv.ToString(), deadline = DateTimeOffset.UtcNow.AddSeconds(10) });
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            campaignId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            output.WriteLine($"campaign started after {clock.Elapsed}");

            var store = first.Services.GetRequiredService<WorkshopStore>();
            var sent = await Wait.ForAsync(
                async () => (await store.ListInvitationsAsync(campaignId, default)).Count(i => i.SentAt is not null),
                count => count >= 150,
                "150 invitations sent",
                every: TimeSpan.FromMilliseconds(500));

            output.WriteLine($"restarting with {sent} sent after {clock.Elapsed}");
            Assert.InRange(sent, 150, 999);
        }
        finally
        {
            await first.DisposeAsync();
        }

        // Second host on the same storage and task hub: the campaign carries on and the outbox delivers.
        await using var second = WorkshopTestHost.Create(stack, hub, RestartSettings);
        using var admin2 = await second.SignedInAsAsync("admin");
        var done = await WaitForCampaignAsync(admin2, campaignId, TimeSpan.FromSeconds(240));
        output.WriteLine($"campaign completed after {clock.Elapsed}: {done.GetProperty("customStatus")}");
        var outbox = await InvitationsInOutboxAsync(second, campaignId);
        // Room for a delivery the local SMTP server timed out under the suite's load to come back from its back-off.
        var delivered = await EmailOutboxTestKit.WaitForOutboxDrainedAsync(
            stack,
            () => EmailOutboxTestKit.RowsWithKeyPrefixAsync(stack, $"workshop-invitation/{campaignId}/"),
            m => Recipients(m).Any(a => a.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase)),
            "inviting " + domain,
            TimeSpan.FromSeconds(240),
            TimeSpan.FromSeconds(1));
        var inbox = delivered.SelectMany(Recipients).Where(a => a.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase)).ToList();
        output.WriteLine($"{outbox.Count} invitations in the outbox, {inbox.Count} in the inbox after {clock.Elapsed}");

        Assert.True(done.GetProperty("runtimeStatus").GetString() == "Completed", await UnfinishedAsync(second));
        Assert.Equal(1000, done.GetProperty("customStatus").GetProperty("total").GetInt32());
        Assert.Equal(1000, done.GetProperty("customStatus").GetProperty("sent").GetInt32());
        Assert.Equal(1000, done.GetProperty("customStatus").GetProperty("expired").GetInt32());
        Assert.Equal(1000, done.GetProperty("counts").GetProperty("expired").GetInt32());

        // Exactly one invitation per invitee was written (the outbox keys on campaign + person) ...
        Assert.Equal(1000, outbox.Count);
        Assert.Equal(1000, outbox.Distinct().Count());
        Assert.All(outbox, to => Assert.EndsWith("@" + domain, to, StringComparison.Ordinal));

        // ... and none reached anybody twice, restart or not.
        Assert.Equal(inbox.Count, inbox.Distinct().Count());
        Assert.True(inbox.Count == 1000, $"{inbox.Count} of 1000 in the inbox; undelivered outbox rows: {await UndeliveredAsync(second, campaignId, inbox)}");
        var durable = second.Services.GetRequiredService<DurableTaskClient>();
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await durable.GetInstanceAsync(WorkshopInvitationOrchestrator.InstanceIdFor(campaignId)))!.RuntimeStatus);
    }

    [Fact]
    public async Task Campaign_InvitationRefusedByTheMailService_CountsAsBouncedAndIsNeitherRemindedNorExpired()
    {
        var transport = Substitute.For<Serverless.Functions.Platform.Email.IEmailTransport>();
        transport.DeliverAsync(Arg.Is<Serverless.Functions.Platform.Email.EmailMessage>(m => m.To.StartsWith("nobody", StringComparison.Ordinal)), Arg.Any<CancellationToken>())
            .Returns(Task.FromException(new IOException("550 5.1.1 mailbox unavailable")));
        await using var factory = PortalTestHost.Create(
            stack,
            services => services.AddSingleton(transport),
            ("Durable:TaskHubName", "wsb" + Guid.NewGuid().ToString("N")[..10]),
            ("Email:MaxAttempts", "1"));
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, _) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var domain = $"b{Guid.NewGuid():N}"[..12] + ".gov.example";

        using var started = await admin.PostAsJsonAsync("/api/workshops/campaigns", new { seriesId, emailsCsv = $"email,name\nnobody@{domain},Nobody Here\nreader@{domain},Reader\n", deadline = DateTimeOffset.UtcNow.AddSeconds(20) });
        var campaignId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        // Counted as sent too: the invitation went out, then bounced.
        var bouncedEarly = await WaitForCountsAsync(admin, campaignId, c => c.GetProperty("bounced").GetInt32() == 1, TimeSpan.FromSeconds(60));
        var done = await WaitForCampaignAsync(admin, campaignId, TimeSpan.FromSeconds(90));
        var store = factory.Services.GetRequiredService<WorkshopStore>();
        var bounced = (await store.ListInvitationsAsync(campaignId, default)).Single(i => i.Email.StartsWith("nobody", StringComparison.Ordinal));

        Assert.Equal(1, bouncedEarly.GetProperty("counts").GetProperty("bounced").GetInt32());
        Assert.Contains("mailbox unavailable", bounced.Error, StringComparison.Ordinal);
        Assert.Equal(InvitationStatus.Bounced, bounced.Status);
        Assert.Equal("Completed", done.GetProperty("runtimeStatus").GetString());
        Assert.Equal(1, done.GetProperty("counts").GetProperty("bounced").GetInt32());
        Assert.Equal(1, done.GetProperty("counts").GetProperty("expired").GetInt32());
        Assert.Equal(1, done.GetProperty("customStatus").GetProperty("bounced").GetInt32());
    }

    [Fact]
    public async Task StartCampaign_BadInput_Returns400NamingFieldsAndStartsNothing()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        using var coordinator = await factory.SignedInAsAsync("coordinator");
        var (seriesId, _) = await WorkshopTestHost.CreateSeriesAsync(admin);

        using var bad = await admin.PostAsJsonAsync("/api/workshops/campaigns", new { seriesId = "no-such-series", deadline = DateTimeOffset.UtcNow.AddDays(-1), reminderDaysBefore = 99 });
        using var badCsv = await admin.PostAsJsonAsync("/api/workshops/campaigns", new { seriesId, deadline = DateTimeOffset.UtcNow.AddDays(3), emailsCsv = "email\nnot-an-address\nok@example.gov,Name,xx\n" });
        using var nobody = await admin.PostAsJsonAsync("/api/workshops/campaigns", new { seriesId, deadline = DateTimeOffset.UtcNow.AddDays(3) });
        using var forbidden = await coordinator.PostAsJsonAsync("/api/workshops/campaigns", new { seriesId, deadline = DateTimeOffset.UtcNow.AddDays(3), personIds = new[] { "x" } });
        var campaigns = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/campaigns?seriesId={seriesId}");

        Assert.Equal(["deadline", "reminderDaysBefore", "seriesId"], (await bad.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        var csvErrors = (await badCsv.ProblemAsync()).GetProperty("errors").GetProperty("emailsCsv").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(2, csvErrors.Count);
        Assert.StartsWith("line 2", csvErrors[0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Empty(campaigns.EnumerateArray());
    }

    /// <summary>Work cut off by the restart is picked up within seconds, not the production minutes.</summary>
    private static readonly (string, string?)[] RestartSettings =
    [
        ("Durable:VisibilityTimeout", "00:00:30"),
    ];

    /// <summary>The recipients of this campaign's invitation emails, one entry per outbox row.</summary>
    private static async Task<List<string>> InvitationsInOutboxAsync(PlatformFactory factory, string campaignId)
    {
        var table = factory.Services.GetRequiredService<Serverless.Functions.Platform.Storage.StorageClients>().Tables.GetTableClient(Serverless.Functions.Platform.Email.EmailOutboxEntity.TableName);
        var prefix = $"workshop-invitation/{campaignId}/";
        var recipients = new List<string>();
        await foreach (var row in table.QueryAsync<Serverless.Functions.Platform.Email.EmailOutboxEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"MessageKey ge {prefix} and MessageKey lt {prefix + "~"}")))
        {
            recipients.Add(row.To);
        }

        return recipients;
    }

    private static Task<JsonElement> WaitForCountsAsync(HttpClient admin, string campaignId, Func<JsonElement, bool> condition, TimeSpan timeout) =>
        Wait.ForAsync(() => admin.GetFromJsonAsync<JsonElement>($"/api/workshops/campaigns/{campaignId}"), c => condition(c.GetProperty("counts")), $"the counts of campaign {campaignId}", timeout, TimeSpan.FromMilliseconds(250));

    /// <summary>The orchestrations of the test's task hub still unfinished, by name (for a failure message).</summary>
    private static async Task<string> UnfinishedAsync(PlatformFactory factory)
    {
        var durable = factory.Services.GetRequiredService<DurableTaskClient>();
        var unfinished = new List<OrchestrationMetadata>();
        await foreach (var instance in durable.GetAllInstancesAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending], PageSize = 1000 }))
        {
            unfinished.Add(instance);
        }

        return "Unfinished: " + string.Join("; ", unfinished.GroupBy(i => i.Name).Select(g => $"{g.Count()} {g.Key}"));
    }

    /// <summary>What the outbox says about the invitations missing from the inbox (for a failure message).</summary>
    private static async Task<string> UndeliveredAsync(PlatformFactory factory, string campaignId, List<string> inbox)
    {
        var table = factory.Services.GetRequiredService<Serverless.Functions.Platform.Storage.StorageClients>().Tables.GetTableClient(Serverless.Functions.Platform.Email.EmailOutboxEntity.TableName);
        var prefix = $"workshop-invitation/{campaignId}/";
        var received = inbox.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var lines = new List<string>();
        await foreach (var row in table.QueryAsync<Serverless.Functions.Platform.Email.EmailOutboxEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"MessageKey ge {prefix} and MessageKey lt {prefix + "~"}")))
        {
            if (!received.Contains(row.To))
            {
                lines.Add($"{row.To} status={row.Status} attempts={row.Attempts} lease={row.LeaseUntil:O} next={row.NextAttemptAt:O} sent={row.SentAt:O} error={row.LastError}");
            }
        }

        return lines.Count == 0 ? "none" : string.Join("; ", lines);
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static async Task<JsonElement> WaitForCampaignAsync(HttpClient admin, string campaignId, TimeSpan timeout) =>
        (await Wait.ForAsync(() => CampaignAsync(admin, campaignId), c => c?.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed", $"campaign {campaignId} to finish", timeout, TimeSpan.FromSeconds(2)))!.Value;

    /// <summary>The campaign, or null when the API did not answer (the local storage emulator may time out under a thousand invitees' load; the poll is tried again).</summary>
    private static async Task<JsonElement?> CampaignAsync(HttpClient admin, string campaignId)
    {
        using var response = await admin.GetAsync($"/api/workshops/campaigns/{campaignId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    private static IEnumerable<string> Recipients(JsonElement message) =>
        message.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString()!);
}
