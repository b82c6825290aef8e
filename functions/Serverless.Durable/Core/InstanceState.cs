using System.Globalization;
using Serverless.Durable.Storage;

namespace Serverless.Durable.Core;

/// <summary>
/// One instance partition as the worker sees it: the instance row, the committed history of the
/// current execution, the inbox (pending messages and processed markers) and the committed outbox.
/// Rows a failed checkpoint left behind (tagged with a checkpoint number above the committed one,
/// or history beyond the committed count) are orphans: ignored, and deleted by the next commit.
/// </summary>
internal sealed class InstanceState
{
    public required string InstanceId { get; init; }

    public string? ETag { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Version { get; set; } = string.Empty;

    public string ExecutionId { get; set; } = string.Empty;

    public OrchestrationRuntimeStatus Status { get; set; }

    public string? Input { get; set; }

    public string? Output { get; set; }

    public string? CustomStatus { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastUpdatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset? ScheduledStartAt { get; set; }

    public long Checkpoint { get; set; }

    public string? ParentInstanceId { get; set; }

    public string? ParentExecutionId { get; set; }

    public int ParentTaskId { get; set; } = -1;

    public bool HasOutbox { get; set; }

    public List<HistoryEvent> History { get; set; } = [];

    /// <summary>Row keys of the committed history rows (a row holds one or more consecutive events).</summary>
    public List<string> HistoryRowKeys { get; } = [];

    /// <summary>Unprocessed inbox messages by id (data unpacked).</summary>
    public Dictionary<string, (WorkMessage Message, long Order)> PendingInbox { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Processed { get; } = new(StringComparer.Ordinal);

    /// <summary>Committed outbox rows by id, with whether this process already sent them.</summary>
    public Dictionary<string, (OutboxAction Action, bool Relayed)> Outbox { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Orphans { get; } = new(StringComparer.Ordinal);

    public bool IsTerminal => Status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Canceled;

    public InstanceState CloneScalars()
    {
        var copy = new InstanceState { InstanceId = InstanceId, ETag = ETag };
        copy.CopyScalarsFrom(this);
        return copy;
    }

    public void CopyScalarsFrom(InstanceState other)
    {
        Name = other.Name;
        Version = other.Version;
        ExecutionId = other.ExecutionId;
        Status = other.Status;
        Input = other.Input;
        Output = other.Output;
        CustomStatus = other.CustomStatus;
        Failure = other.Failure;
        CreatedAt = other.CreatedAt;
        LastUpdatedAt = other.LastUpdatedAt;
        CompletedAt = other.CompletedAt;
        ScheduledStartAt = other.ScheduledStartAt;
        Checkpoint = other.Checkpoint;
        ParentInstanceId = other.ParentInstanceId;
        ParentExecutionId = other.ParentExecutionId;
        ParentTaskId = other.ParentTaskId;
        HasOutbox = other.HasOutbox;
    }

    public static string HistoryKey(string executionId, int index) => $"h|{executionId}|{index.ToString("D8", CultureInfo.InvariantCulture)}";

    public static string InboxKey(string messageId) => "i|" + messageId;

    public static string OutboxKey(string id) => "o|" + id;

    public static OrchestrationMetadata? ToMetadata(StoreEntity row, bool includeData)
    {
        if (row.GetBoolean("Purging"))
        {
            return null;
        }

        var failure = row.GetString("Failure");
        return new OrchestrationMetadata
        {
            InstanceId = row.GetString("InstanceId") ?? string.Empty,
            Name = row.GetString("Name") ?? string.Empty,
            RuntimeStatus = Enum.Parse<OrchestrationRuntimeStatus>(row.GetString("Status") ?? nameof(OrchestrationRuntimeStatus.Pending)),
            Version = row.GetString("Version") ?? string.Empty,
            CreatedAt = row.GetDate("CreatedAt") ?? default,
            LastUpdatedAt = row.GetDate("LastUpdatedAt") ?? default,
            ScheduledStartTime = row.GetDate("ScheduledStartAt"),
            SerializedInput = includeData ? row.GetString("Input") : null,
            SerializedOutput = includeData ? row.GetString("Output") : null,
            SerializedCustomStatus = includeData ? row.GetString("CustomStatus") : null,
            FailureDetails = failure is null ? null : InternalJson.Deserialize<TaskFailureDetails>(failure),
        };
    }

    /// <summary>Builds the state from a partition read; null when the instance does not exist or is being purged.</summary>
    public static async Task<InstanceState?> FromRowsAsync(string instanceId, IReadOnlyList<StoreEntity> rows, DurableRuntime runtime, CancellationToken cancellationToken)
    {
        var row = rows.FirstOrDefault(r => r.RowKey == StoreEntity.InstanceRowKey);
        if (row is null || row.GetBoolean("Purging"))
        {
            return null;
        }

        var failure = row.GetString("Failure");
        var state = new InstanceState
        {
            InstanceId = instanceId,
            ETag = row.ETag,
            Name = row.GetString("Name") ?? string.Empty,
            Version = row.GetString("Version") ?? string.Empty,
            ExecutionId = row.GetString("ExecutionId") ?? string.Empty,
            Status = Enum.Parse<OrchestrationRuntimeStatus>(row.GetString("Status") ?? nameof(OrchestrationRuntimeStatus.Pending)),
            Input = row.GetString("Input"),
            Output = row.GetString("Output"),
            CustomStatus = row.GetString("CustomStatus"),
            Failure = failure is null ? null : InternalJson.Deserialize<TaskFailureDetails>(failure),
            CreatedAt = row.GetDate("CreatedAt") ?? default,
            LastUpdatedAt = row.GetDate("LastUpdatedAt") ?? default,
            CompletedAt = row.GetDate("CompletedAt"),
            ScheduledStartAt = row.GetDate("ScheduledStartAt"),
            Checkpoint = row.GetInt64("Checkpoint"),
            ParentInstanceId = row.GetString("ParentInstanceId"),
            ParentExecutionId = row.GetString("ParentExecutionId"),
            ParentTaskId = (int)row.GetInt64("ParentTaskId", -1),
            HasOutbox = row.GetBoolean("HasOutbox"),
        };
        var historyCount = (int)row.GetInt64("HistoryCount");
        var history = new HistoryEvent?[historyCount];
        var prefix = $"h|{state.ExecutionId}|";
        foreach (var r in rows)
        {
            if (r.RowKey.StartsWith("h|", StringComparison.Ordinal))
            {
                var index = r.RowKey.StartsWith(prefix, StringComparison.Ordinal)
                    ? int.Parse(r.RowKey.AsSpan(prefix.Length), CultureInfo.InvariantCulture)
                    : -1;
                if (index >= 0 && index < historyCount)
                {
                    var events = r.GetString("Events") is { } many
                        ? InternalJson.Deserialize<List<HistoryEvent>>(many)
                        : [InternalJson.Deserialize<HistoryEvent>(r.GetString("Data")!)];
                    if (index + events.Count > historyCount)
                    {
                        throw new InvalidOperationException($"History row {r.RowKey} of {instanceId} runs past the committed history.");
                    }

                    for (var i = 0; i < events.Count; i++)
                    {
                        events[i].Data = await runtime.UnpackAsync(events[i].Data, cancellationToken);
                        history[index + i] = events[i];
                    }

                    state.HistoryRowKeys.Add(r.RowKey);
                }
                else
                {
                    state.Orphans.Add(r.RowKey);
                }
            }
            else if (r.RowKey.StartsWith("i|", StringComparison.Ordinal))
            {
                var id = r.RowKey[2..];
                if (r.GetBoolean("Processed") && r.GetInt64("Cp") <= state.Checkpoint)
                {
                    state.Processed.Add(id);
                }
                else
                {
                    var message = InternalJson.Deserialize<WorkMessage>(r.GetString("Msg")!);
                    message.Data = await runtime.UnpackAsync(message.Data, cancellationToken);
                    state.PendingInbox[id] = (message, r.GetInt64("Order"));
                }
            }
            else if (r.RowKey.StartsWith("o|", StringComparison.Ordinal))
            {
                if (r.GetInt64("Cp") <= state.Checkpoint)
                {
                    state.Outbox[r.RowKey[2..]] = (InternalJson.Deserialize<OutboxAction>(r.GetString("Action")!), false);
                }
                else
                {
                    state.Orphans.Add(r.RowKey);
                }
            }
        }

        if (history.Any(h => h is null))
        {
            throw new InvalidOperationException($"Instance {instanceId} is missing committed history rows.");
        }

        state.History = [.. history.Select(h => h!)];
        return state;
    }

    public StoreEntity ToInstanceRow(long historyCount)
    {
        var row = new StoreEntity(StoreEntity.InstanceRowKey);
        row["InstanceId"] = InstanceId;
        row["Name"] = Name;
        row["Version"] = Version;
        row["ExecutionId"] = ExecutionId;
        row["Status"] = Status.ToString();
        row["Input"] = Input;
        row["Output"] = Output;
        row["CustomStatus"] = CustomStatus;
        row["Failure"] = Failure is null ? null : InternalJson.Serialize(Failure);
        row["CreatedAt"] = CreatedAt;
        row["LastUpdatedAt"] = LastUpdatedAt;
        row["CompletedAt"] = CompletedAt;
        row["ScheduledStartAt"] = ScheduledStartAt;
        row["HistoryCount"] = historyCount;
        row["Checkpoint"] = Checkpoint;
        row["ParentInstanceId"] = ParentInstanceId;
        row["ParentExecutionId"] = ParentExecutionId;
        row["ParentTaskId"] = (long)ParentTaskId;
        row["HasOutbox"] = HasOutbox;
        foreach (var key in row.Properties.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            row.Properties.Remove(key);
        }

        return row;
    }

    public static StoreEntity InboxRow(WorkMessage packedMessage, bool processed, long checkpoint, long order)
    {
        var row = new StoreEntity(InboxKey(packedMessage.Id));
        row["Msg"] = InternalJson.Serialize(packedMessage);
        row["Processed"] = processed;
        row["Cp"] = checkpoint;
        row["Order"] = order;
        return row;
    }
}
