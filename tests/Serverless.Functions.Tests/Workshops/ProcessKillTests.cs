using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Workshops;

/// <summary>
/// The app as a real second OS process, killed with SIGKILL in the middle of a campaign and
/// started again on the same storage and task hub. Short engine and email settings make the
/// dead process's work come back in seconds: its queue messages reappear after
/// <c>Durable:VisibilityTimeout</c> (10 s), its partitions are free after
/// <c>Durable:LeaseInterval</c> (6 s), its email claims lapse after <c>Email:ClaimLease</c> (20 s)
/// and the sweep runs every 2 s.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ProcessKillTests(StackFixture stack, ITestOutputHelper output)
{
    private const int MaxConcurrentDeliveries = 4;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Campaign_1000Invitees_AppKilledMidwayAndStartedAgain_EveryoneInvitedDuplicatesOnlyFromDeliveriesInFlight()
    {
        var hub = "kill" + Guid.NewGuid().ToString("N")[..10];
        var admin = PortalTestHost.UniqueEmail("kill-admin");
        var domain = $"k{Guid.NewGuid():N}"[..12] + ".gov.example";
        var cookies = new CookieContainer();
        var clock = Stopwatch.StartNew();

        string campaignId;
        List<string> inboxAtKill;
        int outboxAtKill;
        await using (var first = await AppProcess.StartAsync(Settings(hub, admin, pollers: true), StartTimeout))
        {
            using var client = await first.SignInAsync(stack.Mail, admin, cookies, TimeSpan.FromSeconds(60));
            var (seriesId, _) = await WorkshopTestHost.CreateSeriesAsync(client);
            var csv = new StringBuilder("email,name\n");
            for (var i = 0; i < 1000; i++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"invitee{i:D4}@{domain},Invitee {i:D4}\n");
            }

            using var started = await client.PostAsJsonAsync("/api/workshops/campaigns", new { seriesId, emailsCsv = csv.ToString(), deadline = DateTimeOffset.UtcNow.AddSeconds(45) });
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            campaignId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            output.WriteLine($"campaign {campaignId} started after {clock.Elapsed:g}");

            await Wait.UntilAsync(async () => (await InboxAsync(domain)).Select(m => m.To).Distinct().Count() >= 150, "150 invitations in the inbox", TimeSpan.FromSeconds(90), Every, () => LastLines(first));
            await first.KillAsync();
            inboxAtKill = [.. (await InboxAsync(domain)).Select(m => m.To)];
            outboxAtKill = (await OutboxAsync(campaignId)).Count;
            output.WriteLine($"killed process {first.Id} after {clock.Elapsed:g}: {inboxAtKill.Count} invitations in the inbox, {outboxAtKill} in the outbox");
        }

        Assert.InRange(inboxAtKill.Distinct().Count(), 150, 999);

        var restart = Stopwatch.StartNew();
        await using var second = await AppProcess.StartAsync(Settings(hub, admin, pollers: true), StartTimeout);
        output.WriteLine($"second process {second.Id} healthy {restart.Elapsed:g} after the restart");

        // The session started in the first process is still good: the same build, the same key ring, the session row in storage.
        using var client2 = await second.ClientAsync(cookies);
        var done = await WaitForCampaignAsync(client2, campaignId, TimeSpan.FromSeconds(150), second);
        output.WriteLine($"campaign {done.GetProperty("runtimeStatus").GetString()} {restart.Elapsed:g} after the restart: {done.GetProperty("customStatus")}");

        // Every row delivered, so no later delivery can add a duplicate to what is counted below.
        await Wait.UntilAsync(
            async () => (await OutboxAsync(campaignId)).All(r => r.Status == EmailStatus.Sent) && (await InboxAsync(domain)).Select(m => m.To).Distinct().Count() >= 1000,
            "every invitation delivered",
            TimeSpan.FromSeconds(90),
            Every,
            () => LastLines(second));
        output.WriteLine($"all 1000 in the inbox {restart.Elapsed:g} after the restart");
        var inbox = await InboxAsync(domain);
        var outbox = await OutboxAsync(campaignId);
        var duplicates = inbox.GroupBy(m => m.To, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).ToList();
        output.WriteLine($"{inbox.Count} invitations in the inbox for {inbox.Select(m => m.To).Distinct().Count()} invitees; duplicates: {string.Join(", ", duplicates.Select(g => $"{g.Key} x{g.Count()} ({string.Join(" ", g.Select(m => m.MessageId).Distinct())})"))}");

        Assert.Equal("Completed", done.GetProperty("runtimeStatus").GetString());
        var status = done.GetProperty("customStatus");
        Assert.Equal((1000, 1000, 1000, 0), (status.GetProperty("total").GetInt32(), status.GetProperty("sent").GetInt32(), status.GetProperty("expired").GetInt32(), status.GetProperty("bounced").GetInt32()));
        var counts = done.GetProperty("counts");
        Assert.Equal((1000, 0, 1000, 1000), (counts.GetProperty("total").GetInt32(), counts.GetProperty("pending").GetInt32(), counts.GetProperty("sent").GetInt32(), counts.GetProperty("expired").GetInt32()));

        // One outbox row per invitee, written once whatever ran twice ...
        Assert.Equal(1000, outbox.Count);
        Assert.Equal(1000, outbox.Select(r => r.To).Distinct(StringComparer.OrdinalIgnoreCase).Count());

        // ... everyone invited, and a second copy only of what was being handed to SMTP when the process died:
        // at most one per delivery slot, and each copy the same message (same Message-ID, from the key).
        Assert.Equal(1000, inbox.Select(m => m.To).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.InRange(inbox.Count - 1000, 0, MaxConcurrentDeliveries);
        Assert.All(duplicates, g => Assert.Single(g.Select(m => m.MessageId).Distinct()));

        // The Message-ID comes from the outbox row's key, so a copy sent again after a kill carries the same one.
        var keyHashByRecipient = outbox.ToDictionary(r => r.To, r => r.RowKey, StringComparer.OrdinalIgnoreCase);
        Assert.All(inbox, m => Assert.Contains(keyHashByRecipient[m.To], m.MessageId ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Campaign_AppKilledAfterInvitationsReachedTheOutboxBeforeTheBatchWasRecorded_RerunWritesAndSendsNothingTwice()
    {
        var hub = "kilb" + Guid.NewGuid().ToString("N")[..10];
        var admin = PortalTestHost.UniqueEmail("kill-admin");
        var domain = $"o{Guid.NewGuid():N}"[..12] + ".gov.example";
        var cookies = new CookieContainer();
        const int invitees = 300;

        // Signing in needs the mail inbox, which the process below does without: a first process
        // (on a task hub of its own) signs the admin in and creates the series, and is done with.
        string seriesId;
        await using (var setup = await AppProcess.StartAsync(Settings("kils" + Guid.NewGuid().ToString("N")[..10], admin, pollers: true), StartTimeout))
        {
            using var client = await setup.SignInAsync(stack.Mail, admin, cookies, TimeSpan.FromSeconds(60));
            (seriesId, _) = await WorkshopTestHost.CreateSeriesAsync(client);
        }

        // The process that gets killed delivers no email (no pollers): its invitations stay in the
        // outbox, so every email in the inbox comes from a row, and a second email to anyone could
        // only come from a second row. Deliveries cut off by the kill are the other test's subject.
        string campaignId;
        int outboxAtKill, sentAtKill, workItemsAtKill, completedAtKill;
        await using (var first = await AppProcess.StartAsync(Settings(hub, admin, pollers: false), StartTimeout))
        {
            using var client = await first.ClientAsync(cookies);
            var csv = new StringBuilder("email,name\n");
            for (var i = 0; i < invitees; i++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"invitee{i:D4}@{domain},Invitee {i:D4}\n");
            }

            using var started = await client.PostAsJsonAsync("/api/workshops/campaigns", new { seriesId, emailsCsv = csv.ToString(), deadline = DateTimeOffset.UtcNow.AddSeconds(45) });
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            campaignId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

            // The window: three batches of 100 run at once, each writing its invitations 8 at a time
            // (a few storage calls per invitee), so a batch needs a good second or more from its
            // first outbox row to its return, and the engine records its completion only after
            // that. Polling the outbox every few milliseconds and killing at the first row of the
            // campaign lands inside that window for every batch. Checked below, not assumed: the
            // activity messages are still on the work-item queue (taken, not completed) and the
            // history has no completed batch.
            await Wait.UntilAsync(async () => (await OutboxAsync(campaignId)).Count > 0, "the campaign's first invitation in the outbox", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(10), () => LastLines(first));
            await first.KillAsync();
            outboxAtKill = (await OutboxAsync(campaignId)).Count;
            var instance = await InstanceAsync(hub, campaignId);
            sentAtKill = instance.CustomStatus?.GetProperty("sent").GetInt32() ?? 0;
            workItemsAtKill = (await new QueueClient(stack.Storage.ConnectionString, hub.ToLowerInvariant() + "-workitems").GetPropertiesAsync()).Value.ApproximateMessagesCount;
            completedAtKill = (await BatchHistoryAsync(hub, campaignId)).Completed;
            output.WriteLine($"killed process {first.Id}: {outboxAtKill} invitations in the outbox, custom status counts {sentAtKill} sent, {workItemsAtKill} activity messages taken and not completed, {completedAtKill} batches recorded");
        }

        Assert.InRange(outboxAtKill, 1, invitees);
        Assert.Equal(0, sentAtKill);
        Assert.Equal(0, completedAtKill);
        // Taken by the dead process and not completed: these batches run again after the restart.
        Assert.InRange(workItemsAtKill, 1, 3);

        var restart = Stopwatch.StartNew();
        await using var second = await AppProcess.StartAsync(Settings(hub, admin, pollers: true, ("Logging:LogLevel:Serverless.Functions.Platform.Email.OutboxEmailSender", "Debug")), StartTimeout);
        using var client2 = await second.ClientAsync(cookies);
        var done = await WaitForCampaignAsync(client2, campaignId, TimeSpan.FromSeconds(120), second);
        output.WriteLine($"campaign {done.GetProperty("runtimeStatus").GetString()} {restart.Elapsed:g} after the restart: {done.GetProperty("customStatus")}");
        await Wait.UntilAsync(
            async () => (await OutboxAsync(campaignId)).All(r => r.Status == EmailStatus.Sent) && (await InboxAsync(domain)).Select(m => m.To).Distinct().Count() >= invitees,
            "every invitation delivered",
            TimeSpan.FromSeconds(60),
            Every,
            () => LastLines(second));
        var outbox = await OutboxAsync(campaignId);
        var inbox = await InboxAsync(domain);
        var history = await BatchHistoryAsync(hub, campaignId);

        // What the second process did with the batches it got back: invitations it wrote itself, and
        // ones it found written already (the first run's side effects, refused by the outbox's key).
        var prefix = $"workshop-invitation/{campaignId}/";
        var writtenAgain = second.Lines.Count(l => l.Contains(prefix, StringComparison.Ordinal) && l.Contains(" queued", StringComparison.Ordinal) && !l.Contains("queued before", StringComparison.Ordinal));
        var refused = second.Lines.Count(l => l.Contains(prefix, StringComparison.Ordinal) && l.Contains("was queued before", StringComparison.Ordinal));
        output.WriteLine($"second process: {writtenAgain} invitations written, {refused} found in the outbox already; history: {history.Scheduled} batches scheduled, {history.Completed} completions recorded");

        Assert.Equal("Completed", done.GetProperty("runtimeStatus").GetString());
        var status = done.GetProperty("customStatus");
        Assert.Equal((invitees, invitees, invitees), (status.GetProperty("total").GetInt32(), status.GetProperty("sent").GetInt32(), status.GetProperty("expired").GetInt32()));

        // The activity messages still on the work-item queue at the kill came back to the second
        // process, which ran those batches again; the engine recorded each batch's completion once.
        Assert.Equal((3, 3), (history.Scheduled, history.Completed));

        // The side effects happened once: one outbox row per invitee, one email per invitee.
        Assert.Equal(invitees, outbox.Count);
        Assert.Equal(invitees, outbox.Select(r => r.MessageKey).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(invitees, outbox.Select(r => r.To).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(invitees, inbox.Count);
        Assert.Equal(invitees, inbox.Select(m => m.To).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    private Dictionary<string, string> Settings(string hub, string admin, bool pollers, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = stack.Storage.ConnectionString,
            ["Email:Smtp:Port"] = stack.Mail.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Email:EnablePollers"] = pollers ? "true" : "false",
            ["Email:MaxConcurrentDeliveries"] = MaxConcurrentDeliveries.ToString(CultureInfo.InvariantCulture),
            ["Email:ClaimLease"] = "00:00:20",
            ["Email:SweepInterval"] = "00:00:02",
            ["Web:Root"] = Path.Combine(Path.GetTempPath(), "no-portal-here"),
            ["Auth:PublicBaseUrl"] = "http://portal.test",
            ["Auth:FirstAdminEmail"] = admin,
            ["DemoData:Enabled"] = "false",
            ["Maintenance:EnableSweeps"] = "false",
            ["RateLimits:PerClientPermits"] = "100000",
            ["RateLimits:PerAddressPermits"] = "1000",
            ["Durable:TaskHubName"] = hub,
            ["Durable:VisibilityTimeout"] = "00:00:10",
            ["Durable:LeaseInterval"] = "00:00:06",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private sealed record Mail(string To, string? MessageId);

    /// <summary>The invitations in the inbox addressed to the domain, one entry per email (duplicates kept).</summary>
    private async Task<List<Mail>> InboxAsync(string domain)
    {
        var suffix = "@" + domain;
        return [.. (await stack.Mail.GetMessagesAsync())
            .SelectMany(m => m.GetProperty("to").EnumerateArray().Select(t => new Mail(t.GetProperty("address").GetString()!, MessageIdOf(m))))
            .Where(m => m.To.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))];
    }

    private static string? MessageIdOf(JsonElement message)
    {
        if (message.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String)
        {
            return id.GetString();
        }

        return message.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty("message-id", out var header)
            ? header.GetString()
            : null;
    }

    /// <summary>The campaign's invitation rows in the email outbox.</summary>
    private async Task<List<EmailOutboxEntity>> OutboxAsync(string campaignId)
    {
        var table = new TableClient(stack.Storage.ConnectionString, EmailOutboxEntity.TableName);
        var prefix = $"workshop-invitation/{campaignId}/";
        var rows = new List<EmailOutboxEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<EmailOutboxEntity>(TableClient.CreateQueryFilter($"MessageKey ge {prefix} and MessageKey lt {prefix + "~"}")))
            {
                rows.Add(row);
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // No email written yet on this storage.
        }

        return rows;
    }

    /// <summary>The orchestration's row in the provider's instances table.</summary>
    private async Task<(string? RuntimeStatus, JsonElement? CustomStatus)> InstanceAsync(string hub, string campaignId)
    {
        var table = new TableClient(stack.Storage.ConnectionString, hub + "Instances");
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Serverless.Functions.Workshops.WorkshopInvitationOrchestrator.InstanceIdFor(campaignId), "");
        if (!row.HasValue)
        {
            return (null, null);
        }

        var custom = row.Value!.GetString("CustomStatus");
        return (row.Value.GetString("RuntimeStatus"), string.IsNullOrEmpty(custom) ? null : JsonDocument.Parse(custom).RootElement.Clone());
    }

    /// <summary>The batch activities in the orchestration's history (the provider's history table): scheduled, and completions recorded.</summary>
    private async Task<(int Scheduled, int Completed)> BatchHistoryAsync(string hub, string campaignId)
    {
        var table = new TableClient(stack.Storage.ConnectionString, hub + "History");
        var instanceId = Serverless.Functions.Workshops.WorkshopInvitationOrchestrator.InstanceIdFor(campaignId);
        var scheduled = new HashSet<int>();
        var completed = new List<int>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}")))
        {
            var type = row.GetString("EventType");
            if (type == "TaskScheduled" && row.GetString("Name") == nameof(Serverless.Functions.Workshops.SendWorkshopInvitations))
            {
                scheduled.Add(row.GetInt32("EventId") ?? -1);
            }
            else if (type == "TaskCompleted")
            {
                completed.Add(row.GetInt32("TaskScheduledId") ?? -1);
            }
        }

        return (scheduled.Count, completed.Count(scheduled.Contains));
    }

    private static async Task<JsonElement> WaitForCampaignAsync(HttpClient admin, string campaignId, TimeSpan timeout, AppProcess app)
    {
        JsonElement campaign = default;
        await Wait.UntilAsync(
            async () =>
            {
                using var response = await admin.GetAsync($"/api/workshops/campaigns/{campaignId}");
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }

                campaign = await response.Content.ReadFromJsonAsync<JsonElement>();
                return campaign.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed";
            },
            "the campaign to finish",
            timeout,
            TimeSpan.FromSeconds(1),
            () => LastLines(app));
        return campaign;
    }

    /// <summary>How often these tests look at the outbox and the inbox while a process works.</summary>
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);

    private static string LastLines(AppProcess app) => "The app's last lines:\n" + app.Tail(30);
}
