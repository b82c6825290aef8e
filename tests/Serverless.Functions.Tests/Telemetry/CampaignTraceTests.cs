using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry.Trace;
using Serverless.Functions.Platform.Telemetry;
using Serverless.Functions.Tests.Identity;
using Serverless.Functions.Tests.Workshops;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Telemetry;

[Collection(StackCollection.Name)]
public sealed class CampaignTraceTests(StackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task CampaignStart_OneTraceFromTheRequestThroughTheOrchestrationToTheInvitationEmail()
    {
        // The caller's trace: the request arrives with this traceparent, as from a browser or a gateway.
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        var spans = new TraceCollector(traceId);
        await using var factory = PortalTestHost.Create(
            stack,
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(spans)),
            ("Durable:TaskHubName", "tr" + Guid.NewGuid().ToString("N")[..10]),
            ("RateLimits:PerClientPermits", "100000"));
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, _) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var invitee = PortalTestHost.UniqueEmail("traced", "trace.gov.example");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/workshops/campaigns")
        {
            Content = JsonContent.Create(new { seriesId, emailsCsv = $"email,name\n{invitee},Traced Invitee\n", deadline = DateTimeOffset.UtcNow.AddSeconds(10) }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        using var started = await admin.SendAsync(request);
        var campaignId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var mail = await stack.Mail.WaitForMessagesToAsync(invitee, 1, TimeSpan.FromSeconds(60));
        var messageKeyPrefix = $"workshop-invitation/{campaignId}/";
        Activity? Delivery() => spans.Find(s => s.OperationName == EmailTracing.DeliverSpanName && (s.GetTagItem(EmailTracing.MessageKeyTag) as string)?.StartsWith(messageKeyPrefix, StringComparison.Ordinal) == true);
        const string orchestration = "orchestration:WorkshopInvitationOrchestrator";
        // The orchestration's span ends with the orchestration, when the deadline has passed.
        await Wait.UntilAsync(() => Delivery() is not null && spans.Find(s => s.DisplayName == orchestration) is not null, "the delivery span and the orchestration's span");
        foreach (var span in spans.All)
        {
            output.WriteLine($"{span.Source.Name,-22} {span.Kind,-8} {span.DisplayName} {span.SpanId} <- {span.ParentSpanId}");
        }

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Single(mail);

        // The delivery's ancestry, walked up by parent span id, reaches the caller's span through every hop.
        var chain = spans.AncestryOf(Delivery()!);
        Assert.Equal(
            [
                (TelemetryExtensions.SourceName, ActivityKind.Client, EmailTracing.DeliverSpanName),
                (TelemetryExtensions.DurableTaskSourceName, ActivityKind.Server, "activity:SendWorkshopInvitations"),
                (TelemetryExtensions.DurableTaskSourceName, ActivityKind.Client, "activity:SendWorkshopInvitations"),
                (TelemetryExtensions.DurableTaskSourceName, ActivityKind.Server, orchestration),
                (TelemetryExtensions.DurableTaskSourceName, ActivityKind.Producer, "create_orchestration:WorkshopInvitationOrchestrator"),
                ("Microsoft.AspNetCore", ActivityKind.Server, "POST /api/workshops/campaigns/"),
            ],
            chain.Select(s => (s.Source.Name, s.Kind, s.DisplayName)));
        Assert.Equal(callerSpan, chain[^1].ParentSpanId);
        Assert.All(chain, s => Assert.Equal(traceId, s.TraceId));
        Assert.Equal(ActivityStatusCode.Ok, chain[0].Status);
    }
}
