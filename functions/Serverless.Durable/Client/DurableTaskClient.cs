using System.Text.Json;
using Serverless.Durable.Core;
using Serverless.Durable.Storage;

namespace Serverless.Durable;

/// <summary>
/// Starts, queries and manages orchestration instances. Invalid requests throw
/// <see cref="DurableValidationException"/> (nothing written); unknown or purged instances throw
/// <see cref="OrchestrationNotFoundException"/>.
/// </summary>
public class DurableTaskClient
{
    private static readonly OrchestrationRuntimeStatus[] FinalStatuses = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
    private readonly DurableRuntime _runtime;

    internal DurableTaskClient(DurableRuntime runtime)
    {
        _runtime = runtime;
    }

    /// <summary>For test doubles.</summary>
    protected DurableTaskClient()
    {
        _runtime = null!;
    }

    /// <summary>
    /// Schedules a new instance. With a caller-chosen <see cref="StartOrchestrationOptions.InstanceId"/>
    /// the call is idempotent: if the instance exists nothing changes and its id is returned.
    /// </summary>
    public virtual async Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(orchestratorName) || _runtime.Registry.FindOrchestrator(orchestratorName) is null)
        {
            throw new DurableValidationException($"No orchestrator named '{orchestratorName}' is registered.", nameof(orchestratorName));
        }

        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        ValidateInstanceId(instanceId);
        var json = Serialize(input, nameof(input));
        var now = _runtime.Clock.GetUtcNow();
        var startAt = options?.StartAt is { } at && at > now ? at : (DateTimeOffset?)null;
        var start = new WorkMessage { Id = $"{instanceId}|start", Kind = MessageKind.ExecutionStarted, InstanceId = instanceId, Name = orchestratorName, Data = json };
        if (startAt is { } due)
        {
            // The timer goes first: a timer for an instance that never got written is dropped, an instance without its timer would never start.
            var wake = new WorkMessage { Id = $"{instanceId}|wake", Kind = MessageKind.Notify, InstanceId = instanceId, SentAt = now };
            await _runtime.Store.UpsertTimerAsync(new TimerEntry(due, $"{instanceId}|starttimer", InternalJson.Serialize(wake)), cancellationToken);
            _runtime.ScheduleTimerWake(due);
        }

        if (await InstanceWriter.CreateInstanceAsync(_runtime, start, startAt, cancellationToken))
        {
            if (startAt is null)
            {
                await InstanceWriter.NotifyCreatedAsync(_runtime, instanceId, start.Id, cancellationToken);
            }

            return instanceId;
        }

        // The instance exists: starting it again changes nothing.
        var existing = await _runtime.Store.ReadEntityAsync(instanceId, StoreEntity.InstanceRowKey, cancellationToken);
        if (existing?.GetBoolean("Purging") == true)
        {
            throw new DurableValidationException($"Instance '{instanceId}' is being purged; try again later.", nameof(options));
        }

        if (existing?.GetString("Status") == nameof(OrchestrationRuntimeStatus.Pending) && !(existing.GetDate("ScheduledStartAt") > now))
        {
            // A retry after a start whose notification may have been lost: nudge it (harmless if not).
            await InstanceWriter.NotifyAsync(_runtime, instanceId, null, cancellationToken);
        }

        return instanceId;
    }

    /// <summary>Raises an event. It is kept in the instance's inbox until a wait consumes it; an unknown instance throws <see cref="OrchestrationNotFoundException"/>.</summary>
    public virtual async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default)
    {
        ValidateInstanceId(instanceId);
        if (string.IsNullOrWhiteSpace(eventName))
        {
            throw new DurableValidationException("An event name is required.", nameof(eventName));
        }

        var json = Serialize(eventPayload, nameof(eventPayload));
        await SendToInstanceAsync(instanceId, new WorkMessage { Kind = MessageKind.EventRaised, Name = eventName, Data = json }, cancellationToken);
    }

    /// <summary>Terminates a running instance; a finished one is left as it is.</summary>
    public virtual async Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellationToken = default)
    {
        ValidateInstanceId(instanceId);
        var json = Serialize(output, nameof(output));
        await SendToInstanceAsync(instanceId, new WorkMessage { Kind = MessageKind.Terminate, Data = json }, cancellationToken);
    }

    /// <summary>Suspends an instance: its messages wait in the inbox until it is resumed.</summary>
    public virtual async Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        ValidateInstanceId(instanceId);
        await SendToInstanceAsync(instanceId, new WorkMessage { Kind = MessageKind.Suspend, Data = Serialize(reason, nameof(reason)) }, cancellationToken);
    }

    /// <summary>Resumes a suspended instance.</summary>
    public virtual async Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        ValidateInstanceId(instanceId);
        await SendToInstanceAsync(instanceId, new WorkMessage { Kind = MessageKind.Resume, Data = Serialize(reason, nameof(reason)) }, cancellationToken);
    }

    /// <summary>The instance's state, or null if it does not exist.</summary>
    public virtual async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        ValidateInstanceId(instanceId);
        var row = await _runtime.Store.ReadEntityAsync(instanceId, StoreEntity.InstanceRowKey, cancellationToken);
        return row is null ? null : await ToMetadataAsync(row, getInputsAndOutputs, cancellationToken);
    }

    /// <summary>One page of instances matching the query.</summary>
    public virtual async Task<OrchestrationQueryPage> QueryInstancesAsync(OrchestrationQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new OrchestrationQuery();
        if (query.PageSize is < 1 or > 1000)
        {
            throw new DurableValidationException("Page size must be between 1 and 1000.", nameof(query.PageSize));
        }

        var page = await _runtime.Store.QueryInstancesAsync(
            new StoreInstanceQuery
            {
                Statuses = query.Statuses?.Select(s => s.ToString()).ToList(),
                Name = query.Name,
                CreatedFrom = query.CreatedFrom,
                CreatedTo = query.CreatedTo,
                PageSize = query.PageSize,
                ContinuationToken = query.ContinuationToken,
            },
            cancellationToken);
        var items = new List<OrchestrationMetadata>(page.Items.Count);
        foreach (var row in page.Items)
        {
            if (await ToMetadataAsync(row, query.FetchInputsAndOutputs, cancellationToken) is { } metadata)
            {
                items.Add(metadata);
            }
        }

        return new OrchestrationQueryPage(items, page.ContinuationToken);
    }

    /// <summary>The committed history of the instance's current execution.</summary>
    public virtual async Task<IReadOnlyList<OrchestrationHistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ValidateInstanceId(instanceId);
        var rows = await _runtime.Store.ReadPartitionAsync(instanceId, cancellationToken);
        var state = await InstanceState.FromRowsAsync(instanceId, rows, _runtime, cancellationToken)
            ?? throw new OrchestrationNotFoundException(instanceId);
        return state.History.Select(e => new OrchestrationHistoryEvent(e.Kind.ToString(), e.Timestamp, e.TaskId, e.Name ?? e.Target, e.Data, e.Failure)).ToList();
    }

    /// <summary>Waits until the instance completes, fails or is terminated.</summary>
    public virtual async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var signal = _runtime.WhenCompletedSignalled(instanceId);
            var metadata = await GetInstanceAsync(instanceId, getInputsAndOutputs, cancellationToken) ?? throw new OrchestrationNotFoundException(instanceId);
            if (metadata.IsCompleted)
            {
                return metadata;
            }

            await Task.WhenAny(signal, Task.Delay(delay, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    /// <summary>Deletes a finished instance with its history, inbox and payloads.</summary>
    public virtual async Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ValidateInstanceId(instanceId);
        var rows = await _runtime.Store.ReadPartitionAsync(instanceId, cancellationToken);
        var row = rows.FirstOrDefault(r => r.RowKey == StoreEntity.InstanceRowKey) ?? throw new OrchestrationNotFoundException(instanceId);
        var status = row.GetString("Status");
        if (!row.GetBoolean("Purging") && status is not ("Completed" or "Failed" or "Terminated"))
        {
            throw new DurableValidationException($"Instance '{instanceId}' is {status}; only completed, failed or terminated instances can be purged.", nameof(instanceId));
        }

        await PurgeRowsAsync(instanceId, row, rows, cancellationToken);
        return new PurgeResult(1);
    }

    /// <summary>Purges finished instances matching the filter, a page at a time.</summary>
    public virtual async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = (filter.Statuses is { Count: > 0 } s ? s : FinalStatuses).ToList();
        if (statuses.Except(FinalStatuses).Any())
        {
            throw new DurableValidationException("Only Completed, Failed and Terminated instances can be purged.", nameof(filter.Statuses));
        }

        var total = 0;
        string? token = null;
        do
        {
            var page = await _runtime.Store.QueryInstancesAsync(
                new StoreInstanceQuery
                {
                    Statuses = statuses.Select(x => x.ToString()).ToList(),
                    CreatedFrom = filter.CreatedFrom,
                    CreatedTo = filter.CreatedTo,
                    PageSize = Math.Clamp(filter.PageSize, 1, 1000),
                    ContinuationToken = token,
                },
                cancellationToken);
            var purged = 0;
            await Parallel.ForEachAsync(page.Items, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (row, ct) =>
            {
                var id = row.GetString("InstanceId")!;
                var rows = await _runtime.Store.ReadPartitionAsync(id, ct);
                var current = rows.FirstOrDefault(r => r.RowKey == StoreEntity.InstanceRowKey);
                if (current is not null)
                {
                    await PurgeRowsAsync(id, current, rows, ct);
                    Interlocked.Increment(ref purged);
                }
            });
            total += purged;
            token = page.ContinuationToken;
        }
        while (token is not null);
        return new PurgeResult(total);
    }

    private async Task PurgeRowsAsync(string instanceId, StoreEntity instanceRow, IReadOnlyList<StoreEntity> rows, CancellationToken cancellationToken)
    {
        // Mark first so readers treat the instance as gone, then delete the rest, the instance row last.
        var mark = new StoreEntity(StoreEntity.InstanceRowKey);
        mark["Purging"] = true;
        var etag = (await _runtime.Store.ExecuteTransactionAsync(instanceId, [new StoreOperation(StoreOperationKind.Merge, mark, instanceRow.ETag)], cancellationToken))[0];
        _runtime.Cache.TryRemove(instanceId, out _);
        foreach (var chunk in rows.Where(r => r.RowKey != StoreEntity.InstanceRowKey).Chunk(100))
        {
            await _runtime.Store.ExecuteTransactionAsync(instanceId, chunk.Select(r => new StoreOperation(StoreOperationKind.Delete, new StoreEntity(r.RowKey), "*")).ToList(), cancellationToken);
        }

        if (rows.Any(r => r.RowKey != StoreEntity.InstanceRowKey && r.RowKey.Length > 0) || instanceRow.GetString("Input")?.StartsWith(DurableRuntime.BlobPrefix, StringComparison.Ordinal) == true)
        {
            await _runtime.Store.DeletePayloadsAsync(DurableRuntime.BlobSafe(instanceId) + "/", cancellationToken);
        }

        await _runtime.Store.ExecuteTransactionAsync(instanceId, [new StoreOperation(StoreOperationKind.Delete, new StoreEntity(StoreEntity.InstanceRowKey), etag)], cancellationToken);
    }

    private async Task SendToInstanceAsync(string instanceId, WorkMessage message, CancellationToken cancellationToken)
    {
        var row = await _runtime.Store.ReadEntityAsync(instanceId, StoreEntity.InstanceRowKey, cancellationToken);
        if (row is null || row.GetBoolean("Purging"))
        {
            throw new OrchestrationNotFoundException(instanceId);
        }

        message.Id = Guid.NewGuid().ToString("N");
        message.InstanceId = instanceId;
        await InstanceWriter.DeliverToInboxAsync(_runtime, message, instanceChecked: true, cancellationToken);
    }

    private async Task<OrchestrationMetadata?> ToMetadataAsync(StoreEntity row, bool includeData, CancellationToken cancellationToken)
    {
        var metadata = InstanceState.ToMetadata(row, includeData);
        if (metadata is null || !includeData)
        {
            return metadata;
        }

        return metadata with
        {
            SerializedInput = await _runtime.UnpackAsync(metadata.SerializedInput, cancellationToken),
            SerializedOutput = await _runtime.UnpackAsync(metadata.SerializedOutput, cancellationToken),
            SerializedCustomStatus = await _runtime.UnpackAsync(metadata.SerializedCustomStatus, cancellationToken),
        };
    }

    private string? Serialize(object? value, string parameterName)
    {
        string json;
        try
        {
            json = JsonSerializer.Serialize(value, DurableJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new DurableValidationException($"The {parameterName} cannot be serialised to JSON: {ex.Message}", parameterName, ex);
        }

        _runtime.CheckPayload(json, parameterName);
        return json;
    }

    private static void ValidateInstanceId(string instanceId)
    {
        if (string.IsNullOrWhiteSpace(instanceId) || instanceId.Length > 100 || instanceId == StoreEntity.InstanceRowKey
            || instanceId.Any(c => c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c)))
        {
            throw new DurableValidationException("An instance id is 1 to 100 characters without / \\ # ? | or control characters.", nameof(instanceId));
        }
    }
}
