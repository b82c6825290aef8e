using System.Text.Json;

namespace Serverless.Durable;

/// <summary>Lifecycle status of an instance.</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>Running or waiting.</summary>
    Running,

    /// <summary>Finished with an output.</summary>
    Completed,

    /// <summary>Restarted with new input (transient).</summary>
    ContinuedAsNew,

    /// <summary>Failed; see failure details.</summary>
    Failed,

    /// <summary>Canceled (unused; kept for parity with DurableTask).</summary>
    Canceled,

    /// <summary>Terminated by an operator.</summary>
    Terminated,

    /// <summary>Scheduled, not yet started.</summary>
    Pending,

    /// <summary>Suspended by an operator; messages wait in its inbox.</summary>
    Suspended,
}

/// <summary>Options of a new instance.</summary>
public sealed record StartOrchestrationOptions
{
    /// <summary>Creates options.</summary>
    public StartOrchestrationOptions(string? instanceId = null, DateTimeOffset? startAt = null)
    {
        InstanceId = instanceId;
        StartAt = startAt;
    }

    /// <summary>Caller-chosen instance id; starting again with the same id does nothing and returns it.</summary>
    public string? InstanceId { get; init; }

    /// <summary>When to start; now when null.</summary>
    public DateTimeOffset? StartAt { get; init; }
}

/// <summary>State of an instance as stored.</summary>
public sealed record OrchestrationMetadata
{
    /// <summary>Orchestrator name.</summary>
    public required string Name { get; init; }

    /// <summary>Instance id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>Status.</summary>
    public required OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    /// <summary>Orchestrator version the instance started with (empty before it started).</summary>
    public string Version { get; init; } = string.Empty;

    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last update time.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>Scheduled start time, if any.</summary>
    public DateTimeOffset? ScheduledStartTime { get; init; }

    /// <summary>JSON input (only when requested).</summary>
    public string? SerializedInput { get; init; }

    /// <summary>JSON output (only when requested).</summary>
    public string? SerializedOutput { get; init; }

    /// <summary>JSON custom status (only when requested).</summary>
    public string? SerializedCustomStatus { get; init; }

    /// <summary>Failure details of a failed instance.</summary>
    public TaskFailureDetails? FailureDetails { get; init; }

    /// <summary>True while not in a final state.</summary>
    public bool IsRunning => RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended or OrchestrationRuntimeStatus.ContinuedAsNew;

    /// <summary>True in a final state (completed, failed, terminated).</summary>
    public bool IsCompleted => RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Canceled;

    /// <summary>The input as <typeparamref name="T"/>.</summary>
    public T? ReadInputAs<T>() => Read<T>(SerializedInput);

    /// <summary>The output as <typeparamref name="T"/>.</summary>
    public T? ReadOutputAs<T>() => Read<T>(SerializedOutput);

    /// <summary>The custom status as <typeparamref name="T"/>.</summary>
    public T? ReadCustomStatusAs<T>() => Read<T>(SerializedCustomStatus);

    private static T? Read<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, DurableJson.Options);
}

/// <summary>A filter for <see cref="DurableTaskClient.QueryInstancesAsync"/>.</summary>
public sealed record OrchestrationQuery
{
    /// <summary>Statuses to include (all when null or empty).</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Exact orchestrator name.</summary>
    public string? Name { get; init; }

    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Created before.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Page size (1 to 1000).</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Continuation token of the previous page.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Include inputs, outputs and custom status.</summary>
    public bool FetchInputsAndOutputs { get; init; }
}

/// <summary>One page of a query.</summary>
/// <param name="Items">The instances.</param>
/// <param name="ContinuationToken">Token for the next page; null when there are no more.</param>
public sealed record OrchestrationQueryPage(IReadOnlyList<OrchestrationMetadata> Items, string? ContinuationToken);

/// <summary>Which instances <see cref="DurableTaskClient.PurgeAllInstancesAsync"/> removes.</summary>
public sealed record PurgeInstancesFilter
{
    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Created before.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Final statuses to purge (Completed, Failed, Terminated by default; running instances are never purged).</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Instances per page.</summary>
    public int PageSize { get; init; } = 500;
}

/// <summary>Result of a purge.</summary>
/// <param name="PurgedInstanceCount">Instances removed.</param>
public sealed record PurgeResult(int PurgedInstanceCount);

/// <summary>One history event of an instance, as returned by <see cref="DurableTaskClient.GetHistoryAsync"/>.</summary>
/// <param name="EventType">Kind of event (ExecutionStarted, TaskScheduled, TaskCompleted, ...).</param>
/// <param name="Timestamp">When it was recorded.</param>
/// <param name="TaskId">Sequence number of the call it concerns, or -1.</param>
/// <param name="Name">Activity, orchestrator, timer or event name.</param>
/// <param name="Data">JSON input or result, if any.</param>
/// <param name="FailureDetails">Failure details of a failed task or execution.</param>
public sealed record OrchestrationHistoryEvent(string EventType, DateTimeOffset Timestamp, int TaskId, string? Name, string? Data, TaskFailureDetails? FailureDetails);

/// <summary>The JSON settings used for inputs, outputs and events.</summary>
public static class DurableJson
{
    /// <summary>Web defaults (camelCase, case-insensitive reads).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
