using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Nominations;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Registry;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Nominations;

[Collection(StackCollection.Name)]
public sealed class TradeTrackingTests(StackFixture stack)
{
    private static readonly TimeSpan MailWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Project_ReportReadyForGateAndGateApprovedByEmailedLinks_MovesToResearch()
    {
        await using var factory = NominationTestHost.Create(stack);
        var (adminPerson, admin, nominator, lead, projectId) = await SelectedProjectAsync(factory);
        using var adminClient = admin;
        using var nominatorClient = nominator;

        var reportMail = await WaitForSubjectAsync(lead.Email, "Progress report for", 1);
        var reportToken = PortalTestHost.TokenFrom(reportMail[0].GetProperty("text").GetString()!);
        using var client = await factory.ClientAsync();
        var page = await SendAsync(client, HttpMethod.Get, "/api/nominations/report", reportToken);
        var forged = await SendAsync(client, HttpMethod.Get, "/api/nominations/report", SecureToken.Create());
        var invalid = await SendAsync(client, HttpMethod.Post, "/api/nominations/report", reportToken, new { health = "great" });
        var sent = await SendAsync(client, HttpMethod.Post, "/api/nominations/report", reportToken, new { summary = "Charter signed; benchmarking partners named.", health = "on-track", readyForGate = true });
        var replay = await SendAsync(client, HttpMethod.Post, "/api/nominations/report", reportToken, new { summary = "Again", health = "on-track", readyForGate = true });

        var gateMail = await WaitForSubjectAsync(adminPerson.Email, "Gate approval", 1);
        var gateToken = PortalTestHost.TokenFrom(gateMail[0].GetProperty("text").GetString()!);
        var gate = await SendAsync(client, HttpMethod.Get, "/api/nominations/gate", gateToken);
        var gateAgain = await SendAsync(client, HttpMethod.Get, "/api/nominations/gate", gateToken);
        var boardAtGate = await ProjectAsync(admin, projectId);
        var noDecision = await SendAsync(client, HttpMethod.Post, "/api/nominations/gate", gateToken, new { comment = "?" });
        var wrongPurpose = await SendAsync(client, HttpMethod.Post, "/api/nominations/gate", reportToken, new { decision = "approve" });
        var approved = await SendAsync(client, HttpMethod.Post, "/api/nominations/gate", gateToken, new { decision = "approve", comment = "Well prepared." });
        var gateReplay = await SendAsync(client, HttpMethod.Post, "/api/nominations/gate", gateToken, new { decision = "reject" });
        var research = await WaitForProjectAsync(admin, projectId, p => p.GetProperty("stage").GetInt32() == 1, TimeSpan.FromSeconds(20));
        var nextReport = await WaitForSubjectAsync(lead.Email, "Progress report for", 2);

        Assert.Equal("terms-of-reference", page.Body.GetProperty("stageName").GetString());
        Assert.False(page.Body.GetProperty("submitted").GetBoolean());
        Assert.Equal(2, page.Body.GetProperty("deliverables").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, forged.Status);
        Assert.Equal(["health", "summary"], invalid.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.True(sent.Body.GetProperty("submitted").GetBoolean());
        Assert.Equal("nom_report_closed", replay.Body.GetProperty("code").GetString());
        Assert.Equal("Charter signed; benchmarking partners named.", gate.Body.GetProperty("lastSummary").GetString());
        Assert.True(gateAgain.Body.GetProperty("pending").GetBoolean());
        Assert.True(boardAtGate.GetProperty("gatePending").GetBoolean());
        Assert.Equal(0, boardAtGate.GetProperty("stage").GetInt32());
        Assert.Equal(["decision"], noDecision.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.NotFound, wrongPurpose.Status);
        Assert.Equal(HttpStatusCode.OK, approved.Status);
        Assert.Equal(HttpStatusCode.Conflict, gateReplay.Status);
        Assert.Equal("research", research.GetProperty("stageName").GetString());
        Assert.False(research.GetProperty("gatePending").GetBoolean());
        Assert.Equal(2, nextReport.Count);
        Assert.Contains("Research", nextReport[1].GetProperty("subject").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Project_ReportNotSent_RemindedThenFlaggedOverdueUntilTheLateReport()
    {
        await using var factory = NominationTestHost.Create(stack, null, ("Nominations:ProgressReportInterval", "00:00:05"), ("Nominations:ProgressReminderBefore", "00:00:03"));
        var (_, admin, nominator, lead, projectId) = await SelectedProjectAsync(factory);
        using var adminClient = admin;
        using var nominatorClient = nominator;

        var mails = await WaitForSubjectAsync(lead.Email, "Reminder: progress report", 1);
        var overdue = await WaitForProjectAsync(admin, projectId, p => p.GetProperty("reportOverdue").GetBoolean(), TimeSpan.FromSeconds(20));
        var token = PortalTestHost.TokenFrom(mails[0].GetProperty("text").GetString()!);
        using var client = await factory.ClientAsync();
        var late = await SendAsync(client, HttpMethod.Post, "/api/nominations/report", token, new { summary = "Delayed by procurement.", risks = "Supplier contract", health = "at-risk" });
        var after = await ProjectAsync(admin, projectId);

        Assert.Equal("overdue", overdue.GetProperty("health").GetString());
        Assert.Equal(HttpStatusCode.OK, late.Status);
        Assert.False(after.GetProperty("reportOverdue").GetBoolean());
        Assert.Equal("at-risk", after.GetProperty("health").GetString());
        Assert.Equal(0, after.GetProperty("stage").GetInt32());
    }

    /// <summary>A call, a submitted and reviewed nomination, selected by an admin: the project starts.</summary>
    private static async Task<(PersonEntity AdminPerson, HttpClient Admin, HttpClient Nominator, PersonEntity Lead, string ProjectId)> SelectedProjectAsync(PlatformFactory factory)
    {
        var adminPerson = await factory.SeedPersonAsync(email: PortalTestHost.UniqueEmail("approver"), name: "Gate Approver", roles: "admin");
        var admin = await factory.SignedInClientAsync(adminPerson);
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([], perNomination: 1));
        var (_, lead, nominator) = await NominationTestHost.NominatorAsync(factory, PortalTestHost.UniqueEmail("lead"));
        var nominationId = await NominationTestHost.SubmitAsync(nominator, callId, "Adaptive traffic signals at school zones");
        var store = factory.Services.GetRequiredService<NominationStore>();
        var nomination = (await store.GetNominationAsync(callId, nominationId, default))!;
        nomination.Status = NominationStatus.Reviewed;
        nomination.Score = 80;
        await store.UpdateAsync(nomination, default);
        using var selected = await admin.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations/{nominationId}/decision", new { decision = "selected" });
        Assert.Equal(HttpStatusCode.OK, selected.StatusCode);
        return (adminPerson, admin, nominator, lead, nominationId);
    }

    private async Task<List<JsonElement>> WaitForSubjectAsync(string address, string subjectStart, int count) =>
        [.. await stack.Mail.WaitForMessagesAsync(
            m => m.GetProperty("subject").GetString()!.StartsWith(subjectStart, StringComparison.Ordinal) && m.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetProperty("address").GetString(), address, StringComparison.OrdinalIgnoreCase)),
            count,
            $"to {address} starting \"{subjectStart}\"",
            MailWait)];

    private static async Task<JsonElement> ProjectAsync(HttpClient admin, string projectId) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/nominations/projects")).EnumerateArray().Single(p => p.GetProperty("id").GetString() == projectId);

    private static Task<JsonElement> WaitForProjectAsync(HttpClient admin, string projectId, Func<JsonElement, bool> done, TimeSpan timeout) =>
        Wait.ForAsync(() => ProjectAsync(admin, projectId), done, $"project {projectId}", timeout, TimeSpan.FromMilliseconds(300));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string url, string token, object? body = null)
    {
        using var request = NominationTestHost.WithToken(method, url, token, body);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
