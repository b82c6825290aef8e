using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Nominations;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Nominations;

[Collection(StackCollection.Name)]
public sealed class SelectionTests(StackFixture stack)
{
    [Fact]
    public async Task Decide_SelectAndReject_RanksBoardAndEmailsNominatorsOnce()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        using var coordinator = await factory.SignedInAsAsync("coordinator");
        var reviewers = await NominationTestHost.ReviewersAsync(factory, 1, "x" + Guid.NewGuid().ToString("N")[..8] + ".gov.example");
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([reviewers[0].Id], perNomination: 1, shareComments: true));
        var (_, strongPerson, strongClient) = await NominationTestHost.NominatorAsync(factory, PortalTestHost.UniqueEmail("strong"));
        var (_, weakPerson, weakClient) = await NominationTestHost.NominatorAsync(factory, PortalTestHost.UniqueEmail("weak"));
        var weak = await NominationTestHost.SubmitAsync(weakClient, callId, "Shared printer inventory");
        var strong = await NominationTestHost.SubmitAsync(strongClient, callId, "One-stop shop for building permits");
        await ReviewedAsync(factory, callId, weak, reviewers[0].Id, 2, "Too small in scope.");
        await ReviewedAsync(factory, callId, strong, reviewers[0].Id, 5, "A model for other municipalities.");

        var board = await coordinator.GetFromJsonAsync<JsonElement>($"/api/nominations/calls/{callId}/board");
        using var bad = await admin.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations/{strong}/decision", new { decision = "maybe" });
        using var byCoordinator = await coordinator.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations/{strong}/decision", new { decision = "selected" });
        using var selected = await admin.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations/{strong}/decision", new { decision = "selected" });
        using var rejected = await admin.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations/{weak}/decision", new { decision = "rejected" });
        using var twice = await admin.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations/{weak}/decision", new { decision = "selected" });
        // The selected team lead also gets the first TRADE progress-report request, in any order.
        var strongMail = await stack.Mail.WaitForMessagesToAsync(strongPerson.Email, 3, TimeSpan.FromSeconds(20));
        var weakMail = await stack.Mail.WaitForMessagesToAsync(weakPerson.Email, 2, TimeSpan.FromSeconds(20));
        var strongDecision = strongMail.Where(m => m.GetProperty("subject").GetString()!.StartsWith("Your nomination", StringComparison.Ordinal)).ToList();
        var weakDecision = weakMail.Where(m => m.GetProperty("subject").GetString()!.StartsWith("Decision on", StringComparison.Ordinal)).ToList();

        Assert.Equal([strong, weak], board.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("nominationId").GetString()));
        Assert.Equal([1, 2], board.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("rank").GetInt32()));
        Assert.Equal([true, false], board.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("aboveThreshold").GetBoolean()));
        Assert.Equal(["decision"], (await bad.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.Forbidden, byCoordinator.StatusCode);
        Assert.Equal("selected", (await selected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("rejected", (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("nom_decided", (await twice.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(3, strongMail.Count);
        Assert.Equal(2, weakMail.Count);
        Assert.Equal("Your nomination was selected: One-stop shop for building permits", Assert.Single(strongDecision).GetProperty("subject").GetString());
        Assert.Contains("A model for other municipalities.", strongDecision[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(strongMail, m => m.GetProperty("subject").GetString()!.StartsWith("Progress report for", StringComparison.Ordinal));
        Assert.Equal("Decision on your nomination: Shared printer inventory", Assert.Single(weakDecision).GetProperty("subject").GetString());
        Assert.Contains("Too small in scope.", weakDecision[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("municipalities", weakDecision[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A finished review written directly (the orchestration is tested in ReviewTests).</summary>
    private static async Task ReviewedAsync(PlatformFactory factory, string callId, string nominationId, string reviewerId, int score, string comment)
    {
        var store = factory.Services.GetRequiredService<NominationStore>();
        var scores = new Dictionary<string, int> { ["clarity"] = score, ["impact"] = score, ["feasibility"] = score };
        await store.AddAsync(new AssignmentEntity { PartitionKey = NominationStore.CallPartition(callId), RowKey = AssignmentEntity.RowFor(nominationId, reviewerId), CallId = callId, NominationId = nominationId, ReviewerId = reviewerId, Status = AssignmentStatus.Submitted, Scores = JsonSerializer.Serialize(scores), Comment = comment, AssignedAt = DateTimeOffset.UtcNow, AnsweredAt = DateTimeOffset.UtcNow }, default);
        var nomination = (await store.GetNominationAsync(callId, nominationId, default))!;
        nomination.Status = NominationStatus.Reviewed;
        nomination.Score = (score - 1) * 25;
        nomination.ReviewCount = 1;
        await store.UpdateAsync(nomination, default);
    }
}
