using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Operations;

/// <summary>An approval that waits for a decision, reporting progress as its custom status.</summary>
public sealed class ApprovalOrchestrator : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        context.SetCustomStatus(new { done = 1, total = 2 });
        var decision = await context.WaitForExternalEvent<string>("Decision");
        var result = await context.CallActivityAsync<string>(nameof(RecordDecision), $"{input}: {decision}");
        context.SetCustomStatus(new { done = 2, total = 2 });
        return result;
    }
}

public sealed class RecordDecision : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(input.ToUpperInvariant());
}

[Collection(StackCollection.Name)]
public sealed class OrchestrationsAdminApiTests(StackFixture stack)
{
    private PlatformFactory Factory() => PortalTestHost.Create(
        stack,
        services => services.AddOrchestrations(r => r.AddOrchestrator<ApprovalOrchestrator>().AddActivity<RecordDecision>()),
        ("Durable:TaskHubName", "admin" + Guid.NewGuid().ToString("N")[..8]),
        ("Durable:MaxPayloadBytes", "4096"));

    [Fact]
    public async Task RaiseEvent_DataOverTheEngineLimit_Is400NamingTheLimit_AndTheInstanceWaitsOn()
    {
        await using var factory = Factory();
        var admin = await factory.SignedInAsAsync("admin");
        var client = factory.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), "nomination 19");
        await WaitForAsync(admin, id, "Running");

        using var tooLarge = await admin.PostAsJsonAsync($"/api/admin/orchestrations/{id}/events/Decision", new string('x', 5000));
        using var chunkedBody = new ChunkedJson(new string('y', 5000));
        chunkedBody.Headers.ContentType = new("application/json");
        using var chunked = await admin.PostAsync($"/api/admin/orchestrations/{id}/events/Decision", chunkedBody);
        using var fits = await admin.PostAsJsonAsync($"/api/admin/orchestrations/{id}/events/Decision", "approved");
        var detail = await WaitForAsync(admin, id, "Completed");

        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.Contains("4096 bytes", (await tooLarge.ProblemAsync()).GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, chunked.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, fits.StatusCode);
        Assert.Equal("NOMINATION 19: APPROVED", detail.GetProperty("output").GetString());
    }

    /// <summary>A JSON string sent without a Content-Length, as a chunked request is.</summary>
    private sealed class ChunkedJson(string text) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            JsonSerializer.SerializeAsync(stream, text);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Fact]
    public async Task RaiseEvent_ThroughTheAdminApi_CompletesTheInstanceWithHistory()
    {
        await using var factory = Factory();
        var admin = await factory.SignedInAsAsync("admin");
        var client = factory.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), "nomination 17", new StartOrchestrationOptions("approval-17"));
        await WaitForAsync(admin, id, "Running");

        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/admin/orchestrations?status=Running&name=ApprovalOrchestrator");
        using var raised = await admin.PostAsJsonAsync($"/api/admin/orchestrations/{id}/events/Decision", "approved");
        var detail = await WaitForAsync(admin, id, "Completed");

        Assert.Contains(listed.GetProperty("items").EnumerateArray(), i => i.GetProperty("instanceId").GetString() == id);
        Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);
        Assert.Equal("NOMINATION 17: APPROVED", detail.GetProperty("output").GetString());
        Assert.Equal(2, detail.GetProperty("instance").GetProperty("customStatus").GetProperty("done").GetInt32());
        var events = detail.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("eventType").GetString()).ToList();
        Assert.Contains("EventRaised", events);
        Assert.Contains("TaskCompleted", events);
    }

    [Fact]
    public async Task TerminateAndPurge_RunningInstance_EndsItThenRemovesIt()
    {
        await using var factory = Factory();
        var admin = await factory.SignedInAsAsync("admin");
        var client = factory.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), "nomination 18");
        await WaitForAsync(admin, id, "Running");

        using var terminated = await admin.PostAsJsonAsync($"/api/admin/orchestrations/{id}/terminate", new { reason = "withdrawn by the nominator" });
        await WaitForAsync(admin, id, "Terminated");
        using var purged = await admin.DeleteAsync($"/api/admin/orchestrations/{id}");
        using var gone = await admin.GetAsync($"/api/admin/orchestrations/{id}");

        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Operations_UnknownInstanceOrBadFilter_Give404And400NamingTheField()
    {
        await using var factory = Factory();
        var admin = await factory.SignedInAsAsync("admin");

        using var unknownEvent = await admin.PostAsJsonAsync("/api/admin/orchestrations/no-such-instance/events/Decision", "approved");
        using var unknownTerminate = await admin.PostAsJsonAsync("/api/admin/orchestrations/no-such-instance/terminate", new { reason = "x" });
        using var badStatus = await admin.GetAsync("/api/admin/orchestrations?status=Sleeping");
        using var badPage = await admin.GetAsync("/api/admin/orchestrations?pageSize=0");
        using var bulkRunning = await admin.PostAsJsonAsync("/api/admin/orchestrations/purge", new { statuses = new[] { "Running" } });

        Assert.Equal(HttpStatusCode.NotFound, unknownEvent.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownTerminate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.True((await badStatus.ProblemAsync()).GetProperty("errors").TryGetProperty("status", out _));
        Assert.True((await badPage.ProblemAsync()).GetProperty("errors").TryGetProperty("pageSize", out _));
        Assert.True((await bulkRunning.ProblemAsync()).GetProperty("errors").TryGetProperty("statuses", out _));
    }

    [Fact]
    public async Task Monitor_NonAdmin_IsForbiddenAndAnonymousIsUnauthorized()
    {
        await using var factory = Factory();
        var coordinator = await factory.SignedInAsAsync("coordinator");
        var anonymous = await factory.ClientAsync();

        using var asCoordinator = await coordinator.GetAsync("/api/admin/orchestrations");
        using var asAnonymous = await anonymous.GetAsync("/api/admin/orchestrations");

        Assert.Equal(HttpStatusCode.Forbidden, asCoordinator.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, asAnonymous.StatusCode);
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient admin, string id, string status) =>
        (await Wait.ForAsync(() => DetailAsync(admin, id), d => d?.GetProperty("instance").GetProperty("status").GetString() == status, $"instance {id} to reach {status}"))!.Value;

    private static async Task<JsonElement?> DetailAsync(HttpClient admin, string id)
    {
        using var response = await admin.GetAsync($"/api/admin/orchestrations/{id}");
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }
}
