using System.Globalization;

namespace Serverless.Durable.Storage;

/// <summary>
/// An in-memory <see cref="IDurableStore"/> for tests and local experiments. Time comes from the
/// injected <see cref="TimeProvider"/> (message visibility, dead-letter stamps); every call first
/// runs <see cref="FaultInjection"/>, so a test can fail or "crash" at any storage call.
/// </summary>
public sealed class InMemoryDurableStore : IDurableStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, SortedDictionary<string, StoreEntity>> _partitions = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, TimerEntry> _timers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<QueuedMessage>> _queues = new(StringComparer.Ordinal);
    private readonly List<DeadLetterEntry> _deadLetters = [];
    private readonly Dictionary<string, string> _payloads = new(StringComparer.Ordinal);
    private readonly List<string> _calls = [];
    private long _etag;
    private int _callNumber;

    /// <summary>Creates a store on the given clock (the system clock by default).</summary>
    public InMemoryDurableStore(TimeProvider? timeProvider = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The store's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// Runs before every storage call with the operation name and the 1-based call number; throw
    /// from it to fail or "crash" at that call (the call then has no effect).
    /// </summary>
    public Func<string, int, Task>? FaultInjection { get; set; }

    /// <summary>Number of storage calls made so far.</summary>
    public int CallCount => Volatile.Read(ref _callNumber);

    /// <summary>Names of the storage calls made so far, in order.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Makes every received but undeleted message visible again, as after a crash once the visibility timeout ran out.</summary>
    public void ReleaseAllLeases()
    {
        lock (_gate)
        {
            foreach (var queue in _queues.Values)
            {
                foreach (var message in queue)
                {
                    message.VisibleAt = DateTimeOffset.MinValue;
                }
            }
        }
    }

    /// <summary>Number of rows in all instance partitions.</summary>
    public int RowCount
    {
        get
        {
            lock (_gate)
            {
                return _partitions.Values.Sum(p => p.Count);
            }
        }
    }

    /// <summary>Number of stored payload blobs.</summary>
    public int PayloadCount
    {
        get
        {
            lock (_gate)
            {
                return _payloads.Count;
            }
        }
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default) => await EnterAsync(nameof(InitializeAsync));

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoreEntity>> ReadPartitionAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(ReadPartitionAsync));
        lock (_gate)
        {
            return _partitions.TryGetValue(instanceId, out var rows) ? rows.Values.Select(r => r.Clone()).ToList() : [];
        }
    }

    /// <inheritdoc />
    public async Task<StoreEntity?> ReadEntityAsync(string instanceId, string rowKey, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(ReadEntityAsync));
        lock (_gate)
        {
            return _partitions.TryGetValue(instanceId, out var rows) && rows.TryGetValue(rowKey, out var row) ? row.Clone() : null;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string?>> ExecuteTransactionAsync(string instanceId, IReadOnlyList<StoreOperation> operations, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(ExecuteTransactionAsync));
        if (operations.Count is 0 or > 100)
        {
            throw new ArgumentException("A transaction holds 1 to 100 operations.", nameof(operations));
        }

        lock (_gate)
        {
            _partitions.TryGetValue(instanceId, out var rows);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var op in operations)
            {
                if (!seen.Add(op.Entity.RowKey))
                {
                    throw new ArgumentException($"Row {op.Entity.RowKey} appears twice in one transaction.", nameof(operations));
                }

                StoreEntity? existing = null;
                rows?.TryGetValue(op.Entity.RowKey, out existing);
                var ok = op.Kind switch
                {
                    StoreOperationKind.Add => existing is null,
                    StoreOperationKind.Upsert => true,
                    _ => existing is not null && (op.IfMatch is null or "*" || op.IfMatch == existing.ETag),
                };
                if (!ok)
                {
                    throw new StoreConflictException($"{op.Kind} of {instanceId}/{op.Entity.RowKey} failed its condition.");
                }
            }

            if (rows is null)
            {
                rows = new SortedDictionary<string, StoreEntity>(StringComparer.Ordinal);
                _partitions[instanceId] = rows;
            }

            var etags = new List<string?>(operations.Count);
            foreach (var op in operations)
            {
                if (op.Kind == StoreOperationKind.Delete)
                {
                    rows.Remove(op.Entity.RowKey);
                    etags.Add(null);
                    continue;
                }

                var etag = "W/\"" + (++_etag).ToString(CultureInfo.InvariantCulture) + "\"";
                StoreEntity row;
                if (op.Kind == StoreOperationKind.Merge)
                {
                    row = rows[op.Entity.RowKey].Clone();
                    foreach (var (key, value) in op.Entity.Properties)
                    {
                        row.Properties[key] = value;
                    }
                }
                else
                {
                    row = op.Entity.Clone();
                }

                row.ETag = etag;
                rows[op.Entity.RowKey] = row;
                etags.Add(etag);
            }

            if (rows.Count == 0)
            {
                _partitions.Remove(instanceId);
            }

            return etags;
        }
    }

    /// <inheritdoc />
    public async Task<StorePage> QueryInstancesAsync(StoreInstanceQuery query, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(QueryInstancesAsync));
        lock (_gate)
        {
            var items = new List<StoreEntity>();
            string? next = null;
            foreach (var (instanceId, rows) in _partitions)
            {
                if (query.ContinuationToken is not null && string.CompareOrdinal(instanceId, query.ContinuationToken) <= 0)
                {
                    continue;
                }

                if (!rows.TryGetValue(StoreEntity.InstanceRowKey, out var row) || !Matches(row, query))
                {
                    continue;
                }

                if (items.Count == query.PageSize)
                {
                    next = items[^1].GetString("InstanceId");
                    break;
                }

                items.Add(row.Clone());
            }

            return new StorePage(items, next);
        }
    }

    /// <inheritdoc />
    public async Task UpsertTimerAsync(TimerEntry timer, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(UpsertTimerAsync));
        lock (_gate)
        {
            _timers[TimerKey(timer)] = timer;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TimerEntry>> GetDueTimersAsync(DateTimeOffset dueBy, int maxCount, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(GetDueTimersAsync));
        lock (_gate)
        {
            return _timers.Values.Where(t => t.DueTime <= dueBy).Take(maxCount).ToList();
        }
    }

    /// <inheritdoc />
    public async Task DeleteTimerAsync(TimerEntry timer, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(DeleteTimerAsync));
        lock (_gate)
        {
            _timers.Remove(TimerKey(timer));
        }
    }

    /// <summary>Number of timers not yet fired.</summary>
    public int TimerCount
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count;
            }
        }
    }

    /// <inheritdoc />
    public async Task SendMessageAsync(string queueName, string messageText, TimeSpan? initialVisibilityDelay = null, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(SendMessageAsync));
        lock (_gate)
        {
            Queue(queueName).Add(new QueuedMessage(Guid.NewGuid().ToString("N"), messageText)
            {
                VisibleAt = TimeProvider.GetUtcNow() + (initialVisibilityDelay ?? TimeSpan.Zero),
            });
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoreQueueMessage>> ReceiveMessagesAsync(string queueName, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(ReceiveMessagesAsync));
        lock (_gate)
        {
            var now = TimeProvider.GetUtcNow();
            var result = new List<StoreQueueMessage>();
            foreach (var message in Queue(queueName))
            {
                if (result.Count == maxMessages)
                {
                    break;
                }

                if (message.VisibleAt > now)
                {
                    continue;
                }

                message.VisibleAt = now + visibilityTimeout;
                message.DequeueCount++;
                message.PopReceipt = Guid.NewGuid().ToString("N");
                result.Add(new StoreQueueMessage(message.Id, message.PopReceipt, message.DequeueCount, message.Text));
            }

            return result;
        }
    }

    /// <inheritdoc />
    public async Task DeleteMessageAsync(string queueName, StoreQueueMessage message, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(DeleteMessageAsync));
        lock (_gate)
        {
            Queue(queueName).RemoveAll(m => m.Id == message.MessageId && m.PopReceipt == message.PopReceipt);
        }
    }

    /// <inheritdoc />
    public async Task ReleaseMessageAsync(string queueName, StoreQueueMessage message, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(ReleaseMessageAsync));
        lock (_gate)
        {
            foreach (var m in Queue(queueName).Where(m => m.Id == message.MessageId && m.PopReceipt == message.PopReceipt))
            {
                m.VisibleAt = TimeProvider.GetUtcNow() + delay;
            }
        }
    }

    /// <inheritdoc />
    public async Task<int> GetQueueLengthAsync(string queueName, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(GetQueueLengthAsync));
        lock (_gate)
        {
            return Queue(queueName).Count;
        }
    }

    /// <inheritdoc />
    public async Task AddDeadLetterAsync(DeadLetterEntry entry, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(AddDeadLetterAsync));
        lock (_gate)
        {
            _deadLetters.Add(entry);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadLetterEntry>> GetDeadLettersAsync(int maxCount = 100, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(GetDeadLettersAsync));
        lock (_gate)
        {
            return _deadLetters.AsEnumerable().Reverse().Take(maxCount).ToList();
        }
    }

    /// <inheritdoc />
    public async Task UploadPayloadAsync(string name, string content, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(UploadPayloadAsync));
        lock (_gate)
        {
            _payloads[name] = content;
        }
    }

    /// <inheritdoc />
    public async Task<string> DownloadPayloadAsync(string name, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(DownloadPayloadAsync));
        lock (_gate)
        {
            return _payloads.TryGetValue(name, out var content) ? content : throw new InvalidOperationException($"Payload {name} is missing.");
        }
    }

    /// <inheritdoc />
    public async Task DeletePayloadsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await EnterAsync(nameof(DeletePayloadsAsync));
        lock (_gate)
        {
            foreach (var key in _payloads.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                _payloads.Remove(key);
            }
        }
    }

    private static string TimerKey(TimerEntry timer) =>
        timer.DueTime.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + timer.Id;

    private static bool Matches(StoreEntity row, StoreInstanceQuery query)
    {
        if (query.Statuses is { Count: > 0 } statuses && !statuses.Contains(row.GetString("Status") ?? string.Empty))
        {
            return false;
        }

        if (query.Name is not null && row.GetString("Name") != query.Name)
        {
            return false;
        }

        var created = row.GetDate("CreatedAt");
        if (query.CreatedFrom is { } from && !(created >= from))
        {
            return false;
        }

        if (query.CreatedTo is { } to && !(created < to))
        {
            return false;
        }

        if (query.OutboxPendingBefore is { } before && !(row.GetBoolean("HasOutbox") && row.GetDate("LastUpdatedAt") < before))
        {
            return false;
        }

        return true;
    }

    private List<QueuedMessage> Queue(string name)
    {
        if (!_queues.TryGetValue(name, out var queue))
        {
            queue = [];
            _queues[name] = queue;
        }

        return queue;
    }

    private async Task EnterAsync(string operation)
    {
        var number = Interlocked.Increment(ref _callNumber);
        lock (_gate)
        {
            _calls.Add(operation);
        }

        if (FaultInjection is { } hook)
        {
            await hook(operation, number);
        }
    }

    private sealed class QueuedMessage(string id, string text)
    {
        public string Id { get; } = id;

        public string Text { get; } = text;

        public DateTimeOffset VisibleAt { get; set; }

        public long DequeueCount { get; set; }

        public string PopReceipt { get; set; } = string.Empty;
    }
}
