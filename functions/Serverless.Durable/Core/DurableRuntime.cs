using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Serverless.Durable.Storage;

namespace Serverless.Durable.Core;

/// <summary>Wakes a waiting poller; a set signal stays set until one waiter takes it.</summary>
internal sealed class AsyncSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already set.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _semaphore.WaitAsync(timeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>State shared by the client and the worker of one process: store, settings, wake-up signals, cache.</summary>
internal sealed class DurableRuntime
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _completions = new(StringComparer.Ordinal);
    private readonly Channel<HandedOffMessage> _handedOffControl = Channel.CreateBounded<HandedOffMessage>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait });
    private readonly Channel<HandedOffMessage> _handedOffWork = Channel.CreateBounded<HandedOffMessage>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait });
    private volatile bool _handOffEnabled;

    public DurableRuntime(IDurableStore store, IOptions<DurableTaskOptions> options, TimeProvider timeProvider, DurableTaskRegistry registry)
    {
        Store = store;
        Options = options.Value;
        Clock = timeProvider;
        Registry = registry;
    }

    public IDurableStore Store { get; }

    public DurableTaskOptions Options { get; }

    public TimeProvider Clock { get; }

    public DurableTaskRegistry Registry { get; }

    public AsyncSignal ControlSignal { get; } = new();

    public AsyncSignal WorkItemSignal { get; } = new();

    public AsyncSignal TimerSignal { get; } = new();

    public ConcurrentDictionary<string, InstanceState> Cache { get; } = new(StringComparer.Ordinal);

    public string ControlQueue => Options.ControlQueueName;

    /// <summary>Caches an instance's state; the cache is only an optimisation (ETags guard every write), so it is simply dropped when it grows large.</summary>
    public void Remember(InstanceState state)
    {
        if (Cache.Count >= 20_000)
        {
            Cache.Clear();
        }

        Cache[state.InstanceId] = state;
    }

    public string WorkItemQueue => Options.WorkItemQueueName;

    /// <summary>True while this process's pollers run and take messages handed over in memory (<see cref="DurableTaskOptions.LocalHandOff"/>).</summary>
    public bool HandOffEnabled
    {
        get => _handOffEnabled;
        set => _handOffEnabled = value && Options.LocalHandOff;
    }

    /// <summary>
    /// Hands a message to this process's own poller of <paramref name="queue"/> instead of sending it.
    /// Only for messages whose durable source stays in storage until they are done with; false when
    /// hand-over is off or the in-memory queue is full (then send it).
    /// </summary>
    public bool TryHandOff(string queue, WorkMessage message, OutboxAction? source = null)
    {
        if (!_handOffEnabled)
        {
            return false;
        }

        var control = queue == ControlQueue;
        if (!(control ? _handedOffControl : _handedOffWork).Writer.TryWrite(new HandedOffMessage(message, source)))
        {
            return false;
        }

        (control ? ControlSignal : WorkItemSignal).Set();
        return true;
    }

    /// <summary>Takes a message handed over in memory for <paramref name="queue"/>, if any.</summary>
    public bool TryTakeHandedOff(string queue, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HandedOffMessage? message) =>
        (queue == ControlQueue ? _handedOffControl : _handedOffWork).Reader.TryRead(out message);

    public async Task SendAsync(string queue, WorkMessage message, CancellationToken cancellationToken, TimeSpan? delay = null)
    {
        var copy = message.Copy();
        copy.SentAt = Clock.GetUtcNow();
        copy.Data = await PackAsync(copy.Data, message.InstanceId, cancellationToken);
        await Store.SendMessageAsync(queue, InternalJson.Serialize(copy), delay, cancellationToken);
        (queue == ControlQueue ? ControlSignal : WorkItemSignal).Set();
    }

    /// <summary>Keeps small payloads inline and moves large ones to a blob, leaving a reference.</summary>
    public async Task<string?> PackAsync(string? data, string instanceId, CancellationToken cancellationToken)
    {
        if (data is null || data.Length <= Options.InlinePayloadLimit || data.StartsWith(BlobPrefix, StringComparison.Ordinal))
        {
            return data;
        }

        var name = $"{BlobSafe(instanceId)}/{Guid.NewGuid():N}";
        await Store.UploadPayloadAsync(name, data, cancellationToken);
        return BlobPrefix + name;
    }

    public async Task<string?> UnpackAsync(string? data, CancellationToken cancellationToken) =>
        data is not null && data.StartsWith(BlobPrefix, StringComparison.Ordinal)
            ? await Store.DownloadPayloadAsync(data[BlobPrefix.Length..], cancellationToken)
            : data;

    public static string BlobSafe(string instanceId) => Convert.ToHexString(Encoding.UTF8.GetBytes(instanceId)).ToLowerInvariant();

    public const string BlobPrefix = "@blob:";

    public void CheckPayload(string? json, string parameterName)
    {
        if (json is not null && Encoding.UTF8.GetByteCount(json) > Options.PayloadCapBytes)
        {
            throw new DurableValidationException($"The {parameterName} is {Encoding.UTF8.GetByteCount(json)} bytes, over the cap of {Options.PayloadCapBytes} bytes.", parameterName);
        }
    }

    /// <summary>Wakes the timer poller of this process when a timer it wrote falls due.</summary>
    public void ScheduleTimerWake(DateTimeOffset due)
    {
        var delay = due - Clock.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            TimerSignal.Set();
            return;
        }

        if (delay > TimeSpan.FromDays(40))
        {
            return;
        }

        _ = Task.Delay(delay, Clock).ContinueWith(_ => TimerSignal.Set(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void NotifyCompleted(string instanceId)
    {
        if (_completions.TryRemove(instanceId, out var tcs))
        {
            tcs.TrySetResult();
        }
    }

    public Task WhenCompletedSignalled(string instanceId) =>
        _completions.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}

/// <summary>Creating instances and delivering inbox messages: shared by the client and the outbox relay.</summary>
internal static class InstanceWriter
{
    /// <summary>Writes the instance row (Pending) and its ExecutionStarted inbox row in one transaction; false if the instance exists.</summary>
    public static async Task<bool> CreateInstanceAsync(DurableRuntime runtime, WorkMessage start, DateTimeOffset? startAt, CancellationToken cancellationToken)
    {
        var now = runtime.Clock.GetUtcNow();
        var packed = start.Copy();
        packed.Data = await runtime.PackAsync(start.Data, start.InstanceId, cancellationToken);
        packed.SentAt = now;
        var state = new InstanceState
        {
            InstanceId = start.InstanceId,
            Name = start.Name ?? string.Empty,
            ExecutionId = Guid.NewGuid().ToString("N"),
            Status = OrchestrationRuntimeStatus.Pending,
            Input = packed.Data,
            CreatedAt = now,
            LastUpdatedAt = now,
            ScheduledStartAt = startAt,
            ParentInstanceId = start.ParentInstanceId,
            ParentExecutionId = start.ParentExecutionId,
            ParentTaskId = start.ParentTaskId,

            // Until the first episode, the sweeper treats the instance like one with unsent outbox
            // rows, so a crash between this write and the notification cannot strand it.
            HasOutbox = true,
        };
        IReadOnlyList<string?> etags;
        try
        {
            etags = await runtime.Store.ExecuteTransactionAsync(
                start.InstanceId,
                [
                    new StoreOperation(StoreOperationKind.Add, state.ToInstanceRow(0)),
                    new StoreOperation(StoreOperationKind.Upsert, InstanceState.InboxRow(packed, processed: false, checkpoint: 0, order: now.UtcTicks)),
                ],
                cancellationToken);
        }
        catch (StoreConflictException)
        {
            return false;
        }

        // This process knows the whole new partition, so its first episode needs no read. Rows other
        // processes add later arrive with a notification naming them, which forces a fresh read.
        state.ETag = etags[0];
        state.PendingInbox[start.Id] = (start.Copy(), now.UtcTicks);
        runtime.Remember(state);
        return true;
    }

    /// <summary>Appends a message to an existing instance's inbox (once per message id) and wakes the instance; false if the instance does not exist.</summary>
    public static async Task<bool> DeliverToInboxAsync(DurableRuntime runtime, WorkMessage message, bool instanceChecked, CancellationToken cancellationToken)
    {
        if (!instanceChecked)
        {
            var row = await runtime.Store.ReadEntityAsync(message.InstanceId, StoreEntity.InstanceRowKey, cancellationToken);
            if (row is null || row.GetBoolean("Purging"))
            {
                return false;
            }
        }

        var now = runtime.Clock.GetUtcNow();
        var packed = message.Copy();
        packed.SentAt = now;
        packed.Data = await runtime.PackAsync(message.Data, message.InstanceId, cancellationToken);
        try
        {
            await runtime.Store.ExecuteTransactionAsync(
                message.InstanceId,
                [new StoreOperation(StoreOperationKind.Add, InstanceState.InboxRow(packed, processed: false, checkpoint: 0, order: now.UtcTicks))],
                cancellationToken);
        }
        catch (StoreConflictException)
        {
            // Already delivered (a duplicate): the notification below is harmless.
        }

        await NotifyAsync(runtime, message.InstanceId, message.Id, cancellationToken);
        return true;
    }

    public static Task NotifyAsync(DurableRuntime runtime, string instanceId, string? inboxMessageId, CancellationToken cancellationToken) =>
        runtime.SendAsync(runtime.ControlQueue, new WorkMessage { Id = Guid.NewGuid().ToString("N"), Kind = MessageKind.Notify, InstanceId = instanceId, Name = inboxMessageId }, cancellationToken);

    /// <summary>
    /// Wakes an instance <see cref="CreateInstanceAsync"/> just wrote. It is handed over in memory
    /// when it can be: a new instance carries the sweeper's pending flag until its first episode,
    /// so a wake-up lost in a crash is made good by the sweeper.
    /// </summary>
    public static Task NotifyCreatedAsync(DurableRuntime runtime, string instanceId, string startMessageId, CancellationToken cancellationToken)
    {
        var wake = new WorkMessage { Id = Guid.NewGuid().ToString("N"), Kind = MessageKind.Notify, InstanceId = instanceId, Name = startMessageId, SentAt = runtime.Clock.GetUtcNow() };
        return runtime.TryHandOff(runtime.ControlQueue, wake) ? Task.CompletedTask : runtime.SendAsync(runtime.ControlQueue, wake, cancellationToken);
    }
}
