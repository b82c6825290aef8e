using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Durable.Core;

internal enum EventKind
{
    OrchestratorStarted,
    ExecutionStarted,
    ExecutionCompleted,
    ExecutionFailed,
    ExecutionTerminated,
    ExecutionSuspended,
    ExecutionResumed,
    ContinuedAsNew,
    TaskScheduled,
    TaskCompleted,
    TaskFailed,
    SubOrchestrationCreated,
    SubOrchestrationCompleted,
    SubOrchestrationFailed,
    TimerCreated,
    TimerFired,
    EventRaised,
    EventSent,
}

/// <summary>One recorded fact of an execution; stored as JSON, one table row each.</summary>
internal sealed class HistoryEvent
{
    public EventKind Kind { get; set; }

    public DateTimeOffset Timestamp { get; set; }

    public int TaskId { get; set; } = -1;

    public string? Name { get; set; }

    public string? Data { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    public DateTimeOffset? FireAt { get; set; }

    public string? Target { get; set; }

    public string? Version { get; set; }

    public HistoryEvent Copy() => (HistoryEvent)MemberwiseClone();
}

internal enum MessageKind
{
    Notify,
    ExecutionStarted,
    TaskCompleted,
    TaskFailed,
    TimerFired,
    SubOrchestrationCompleted,
    SubOrchestrationFailed,
    EventRaised,
    Terminate,
    Suspend,
    Resume,
    ActivityRequest,
}

/// <summary>A message between instances, activities and clients. Every message has a stable id for de-duplication.</summary>
internal sealed class WorkMessage
{
    public string Id { get; set; } = string.Empty;

    public MessageKind Kind { get; set; }

    public string InstanceId { get; set; } = string.Empty;

    public string? ExecutionId { get; set; }

    public int TaskId { get; set; } = -1;

    public string? Name { get; set; }

    public string? Data { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    public DateTimeOffset? FireAt { get; set; }

    public DateTimeOffset SentAt { get; set; }

    public string? ParentInstanceId { get; set; }

    public string? ParentExecutionId { get; set; }

    public int ParentTaskId { get; set; } = -1;

    /// <summary>Sent again by a process that did not commit it (after a crash or by the sweeper): receivers check for an earlier copy.</summary>
    public bool Resent { get; set; }

    public WorkMessage Copy() => (WorkMessage)MemberwiseClone();
}

internal enum OutboxKind
{
    /// <summary>Send to the work-item queue.</summary>
    WorkItem,

    /// <summary>Send to the control queue.</summary>
    Control,

    /// <summary>Append to another instance's inbox (events).</summary>
    Inbox,

    /// <summary>Create a sub-orchestration instance.</summary>
    CreateInstance,

    /// <summary>Write a durable timer.</summary>
    Timer,
}

internal sealed class OutboxAction
{
    public string Id { get; set; } = string.Empty;

    public OutboxKind Kind { get; set; }

    public WorkMessage Message { get; set; } = new();

    public DateTimeOffset? Due { get; set; }

    /// <summary>Committed by this process and not sent before, so its receiver need not look for an earlier copy.</summary>
    [JsonIgnore]
    public bool Fresh { get; set; }

    /// <summary>
    /// A work item handed to this process's own activity worker in memory: not sent again by this
    /// process, and its row is kept until the activity's result is in the history (or the hand-over
    /// fails, which clears the flag so the next relay sends it through the queue).
    /// </summary>
    [JsonIgnore]
    public bool HandedOff
    {
        get => Volatile.Read(ref _handedOff);
        set => Volatile.Write(ref _handedOff, value);
    }

    /// <summary>
    /// Set from the hand-over's own thread once the work item is done with (its result recorded or
    /// dropped) or safely in the queue after all: the row counts as sent and is deleted with the
    /// instance's next write.
    /// </summary>
    [JsonIgnore]
    public bool Delivered
    {
        get => Volatile.Read(ref _delivered);
        set => Volatile.Write(ref _delivered, value);
    }

    private bool _handedOff;
    private bool _delivered;
}

/// <summary>A message handed to this process's own poller in memory; <paramref name="Source"/> is the outbox row it came from, if any.</summary>
internal sealed record HandedOffMessage(WorkMessage Message, OutboxAction? Source);

internal static class InternalJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("Empty JSON.");
}
