using System.Diagnostics;
using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Platform.Telemetry;

/// <summary>
/// Carries a trace across the email outbox: the sender stores the W3C <c>traceparent</c> of the span
/// that queued the message on its row, and the dispatcher delivers it in an <c>email.deliver</c> span
/// with that parent, whenever and wherever the delivery happens (hand-off, queue trigger or sweep).
/// </summary>
public static class EmailTracing
{
    public const string DeliverSpanName = "email.deliver";
    public const string MessageKeyTag = "email.message_key";
    public const string AttemptTag = "email.attempt";

    /// <summary>The traceparent of the current span, or null outside a trace.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>
    /// Starts the delivery span of an outbox row: a child of the span that queued it when the row
    /// carries one (the current span, such as a queue trigger's invocation, then becomes a link),
    /// otherwise of the current span. Null when nobody listens.
    /// </summary>
    public static Activity? StartDelivery(EmailOutboxEntity entity)
    {
        ActivityContext parent = default;
        ActivityLink[]? links = null;
        if (entity.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, isRemote: true, out var queuedBy))
        {
            parent = queuedBy;
            if (Activity.Current is { } current && current.TraceId != queuedBy.TraceId)
            {
                links = [new ActivityLink(current.Context)];
            }
        }

        var activity = TelemetryExtensions.Source.StartActivity(DeliverSpanName, ActivityKind.Client, parent, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessageKeyTag, entity.MessageKey);
            activity.SetTag(AttemptTag, entity.Attempts);
        }

        return activity;
    }
}
