using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Telemetry;

using static Serverless.Functions.Tests.EmailOutboxTestKit;

namespace Serverless.Functions.Tests.Telemetry;

/// <summary>The outbox carries the trace of whoever queued a message to its delivery, however late and wherever it happens.</summary>
[Collection(StackCollection.Name)]
public sealed class EmailDeliveryTraceTests(StackFixture stack)
{
    private static readonly ActivitySource Caller = new("Serverless.Functions.Tests.Caller");

    [Fact]
    public async Task QueueTriggeredDelivery_RowQueuedInATrace_DeliversInThatTraceLinkedToTheTrigger()
    {
        var (_, sender, dispatcher, transport) = Parts();
        var message = Message("traced/" + Guid.NewGuid(), "traced@example.gov");
        var queuedIn = ActivityTraceId.CreateRandom();
        var triggeredIn = ActivityTraceId.CreateRandom();
        var spans = new TraceCollector(queuedIn, triggeredIn);
        using var tracing = Tracing(spans);

        ActivityContext queuing;
        using (var span = Caller.StartActivity("queue invitation", ActivityKind.Internal, new ActivityContext(queuedIn, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded))!)
        {
            queuing = span.Context;
            await sender.SendAsync(message);
        }

        var row = await ReadRowAsync(stack, message);
        DispatchOutcome outcome;
        ActivityContext trigger;
        using (var span = Caller.StartActivity("queue trigger", ActivityKind.Consumer, new ActivityContext(triggeredIn, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded))!)
        {
            trigger = span.Context;
            outcome = await dispatcher.DispatchAsync(message.KeyHash, default);
        }

        Assert.Equal($"00-{queuedIn}-{queuing.SpanId}-01", row.TraceParent);
        Assert.Equal(DispatchOutcome.Delivered, outcome);
        await transport.Received(1).DeliverAsync(Arg.Any<EmailMessage>(), Arg.Any<CancellationToken>());
        var delivery = Assert.Single(spans.All, s => s.OperationName == EmailTracing.DeliverSpanName);
        Assert.Equal((queuedIn, queuing.SpanId), (delivery.TraceId, delivery.ParentSpanId));
        Assert.Equal(trigger, Assert.Single(delivery.Links).Context);
        Assert.Equal(message.MessageKey, delivery.GetTagItem(EmailTracing.MessageKeyTag));
        Assert.Equal(ActivityStatusCode.Ok, delivery.Status);
        Assert.Equal(EmailStatus.Sent, (await ReadRowAsync(stack, message)).Status);
    }

    [Fact]
    public async Task SweptDelivery_RowFromBeforeTracing_DeliversUnderTheCurrentSpanAndFailuresAreMarked()
    {
        var (outbox, _, dispatcher, transport) = Parts();
        transport.DeliverAsync(Arg.Any<EmailMessage>(), Arg.Any<CancellationToken>()).Returns(Task.FromException(new IOException("421 try later")));
        var message = Message("untraced/" + Guid.NewGuid(), "untraced@example.gov");
        var table = await outbox.TableAsync(default);
        var row = EmailOutboxEntity.From(message, DateTimeOffset.UtcNow.AddMinutes(-1));
        row.Payload = EmailOutboxEntity.Serialize(message);
        await table.AddEntityAsync(row); // as written before the TraceParent column: none
        var sweptIn = ActivityTraceId.CreateRandom();
        var spans = new TraceCollector(sweptIn);
        using var tracing = Tracing(spans);

        DispatchOutcome outcome;
        ActivityContext sweep;
        using (var span = Caller.StartActivity("sweep", ActivityKind.Internal, new ActivityContext(sweptIn, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded))!)
        {
            sweep = span.Context;
            outcome = await dispatcher.DispatchAsync(message.KeyHash, default);
        }

        Assert.Equal(DispatchOutcome.RetryScheduled, outcome);
        var delivery = Assert.Single(spans.All, s => s.OperationName == EmailTracing.DeliverSpanName);
        Assert.Equal((sweptIn, sweep.SpanId), (delivery.TraceId, delivery.ParentSpanId));
        Assert.Empty(delivery.Links);
        Assert.Equal(ActivityStatusCode.Error, delivery.Status);
        Assert.Equal(1, delivery.GetTagItem(EmailTracing.AttemptTag));
        Assert.Null((await ReadRowAsync(stack, message)).TraceParent);
    }

    private (EmailOutbox Outbox, OutboxEmailSender Sender, EmailDispatcher Dispatcher, IEmailTransport Transport) Parts()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options.Create(new EmailOptions { EnablePollers = false });
        var transport = Substitute.For<IEmailTransport>();
        var outbox = new EmailOutbox(Storage(stack), NullLogger<EmailOutbox>.Instance);
        return (
            outbox,
            new OutboxEmailSender(outbox, options, time, NullLogger<OutboxEmailSender>.Instance),
            new EmailDispatcher(outbox, transport, options, time, NullLogger<EmailDispatcher>.Instance),
            transport);
    }

    private static TracerProvider Tracing(TraceCollector spans) => Sdk.CreateTracerProviderBuilder()
        .AddSource(Caller.Name, TelemetryExtensions.SourceName)
        .AddProcessor(spans)
        .Build();
}
