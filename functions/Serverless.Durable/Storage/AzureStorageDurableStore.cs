using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Serverless.Durable.Storage;

/// <summary>
/// <see cref="IDurableStore"/> on Azure Storage: tables <c>{hub}Instances</c> (one partition per
/// instance), <c>{hub}Timers</c> and <c>{hub}DeadLetters</c>; queues <c>{hub}-control</c> and
/// <c>{hub}-workitems</c>; blob container <c>{hub}-payloads</c> for large payloads.
/// </summary>
public sealed class AzureStorageDurableStore : IDurableStore
{
    private const string TimerPartition = "t";
    private const string DeadLetterPartition = "dl";
    private static readonly HashSet<string> SystemProperties = ["PartitionKey", "RowKey", "Timestamp", "odata.etag"];
    private readonly TableClient _instances;
    private readonly TableClient _timers;
    private readonly TableClient _deadLetters;
    private readonly QueueServiceClient _queues;
    private readonly BlobContainerClient _payloads;
    private readonly string _hub;

    /// <summary>Creates the store for a connection string and task hub.</summary>
    public AzureStorageDurableStore(string connectionString, string taskHubName)
        : this(new TableServiceClient(connectionString), new QueueServiceClient(connectionString), new BlobServiceClient(connectionString), taskHubName)
    {
    }

    /// <summary>Creates the store on existing service clients (for example with managed identity).</summary>
    public AzureStorageDurableStore(TableServiceClient tables, QueueServiceClient queues, BlobServiceClient blobs, string taskHubName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentException.ThrowIfNullOrWhiteSpace(taskHubName);
        _hub = taskHubName;
        _instances = tables.GetTableClient(taskHubName + "Instances");
        _timers = tables.GetTableClient(taskHubName + "Timers");
        _deadLetters = tables.GetTableClient(taskHubName + "DeadLetters");
        _queues = queues;
        _payloads = blobs.GetBlobContainerClient(taskHubName.ToLowerInvariant() + "-payloads");
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _instances.CreateIfNotExistsAsync(cancellationToken);
        await _timers.CreateIfNotExistsAsync(cancellationToken);
        await _deadLetters.CreateIfNotExistsAsync(cancellationToken);
        await _queues.GetQueueClient(_hub.ToLowerInvariant() + "-control").CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _queues.GetQueueClient(_hub.ToLowerInvariant() + "-workitems").CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _payloads.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoreEntity>> ReadPartitionAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var result = new List<StoreEntity>();
        await foreach (var entity in _instances.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}"), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            result.Add(ToStore(entity));
        }

        return result;
    }

    /// <inheritdoc />
    public async Task<StoreEntity?> ReadEntityAsync(string instanceId, string rowKey, CancellationToken cancellationToken = default)
    {
        var response = await _instances.GetEntityIfExistsAsync<TableEntity>(instanceId, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? ToStore(response.Value!) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string?>> ExecuteTransactionAsync(string instanceId, IReadOnlyList<StoreOperation> operations, CancellationToken cancellationToken = default)
    {
        var actions = operations.Select(op =>
        {
            var entity = ToTable(instanceId, op.Entity);
            var etag = op.IfMatch is null or "*" ? ETag.All : new ETag(op.IfMatch);
            return op.Kind switch
            {
                StoreOperationKind.Add => new TableTransactionAction(TableTransactionActionType.Add, entity),
                StoreOperationKind.Upsert => new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity),
                StoreOperationKind.Replace => new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, etag),
                StoreOperationKind.Merge => new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, etag),
                StoreOperationKind.Delete => new TableTransactionAction(TableTransactionActionType.Delete, entity, etag),
                _ => throw new ArgumentOutOfRangeException(nameof(operations)),
            };
        }).ToList();
        try
        {
            var response = await _instances.SubmitTransactionAsync(actions, cancellationToken);
            return response.Value.Select((r, i) => operations[i].Kind == StoreOperationKind.Delete ? null : r.Headers.ETag?.ToString()).ToList();
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            throw new StoreConflictException($"Transaction on {instanceId} failed: {ex.ErrorCode}", ex);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            throw new StoreConflictException($"Transaction on {instanceId} failed: {ex.ErrorCode}", ex);
        }
    }

    /// <inheritdoc />
    public async Task<StorePage> QueryInstancesAsync(StoreInstanceQuery query, CancellationToken cancellationToken = default)
    {
        var filters = new List<string> { "RowKey eq '!'" };
        if (query.Statuses is { Count: > 0 } statuses)
        {
            filters.Add("(" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"Status eq {s}"))) + ")");
        }

        if (query.Name is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"Name eq {query.Name}"));
        }

        if (query.CreatedFrom is { } from)
        {
            filters.Add(TableClient.CreateQueryFilter($"CreatedAt ge {from}"));
        }

        if (query.CreatedTo is { } to)
        {
            filters.Add(TableClient.CreateQueryFilter($"CreatedAt lt {to}"));
        }

        if (query.OutboxPendingBefore is { } before)
        {
            filters.Add("HasOutbox eq true");
            filters.Add(TableClient.CreateQueryFilter($"LastUpdatedAt lt {before}"));
        }

        var filter = string.Join(" and ", filters);
        await foreach (var page in _instances.QueryAsync<TableEntity>(filter, maxPerPage: query.PageSize, cancellationToken: cancellationToken).AsPages(query.ContinuationToken, query.PageSize))
        {
            return new StorePage(page.Values.Select(ToStore).ToList(), string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }

        return new StorePage([], null);
    }

    /// <inheritdoc />
    public async Task UpsertTimerAsync(TimerEntry timer, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(TimerPartition, TimerKey(timer))
        {
            ["Id"] = timer.Id,
            ["Due"] = timer.DueTime,
            ["MessageText"] = timer.MessageText,
        };
        await _timers.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TimerEntry>> GetDueTimersAsync(DateTimeOffset dueBy, int maxCount, CancellationToken cancellationToken = default)
    {
        var upper = (dueBy.UtcTicks + 1).ToString("D19", CultureInfo.InvariantCulture);
        var result = new List<TimerEntry>();
        await foreach (var entity in _timers.QueryAsync<TableEntity>($"PartitionKey eq '{TimerPartition}' and RowKey lt '{upper}'", maxPerPage: maxCount, cancellationToken: cancellationToken))
        {
            result.Add(new TimerEntry(entity.GetDateTimeOffset("Due") ?? default, entity.GetString("Id"), entity.GetString("MessageText")));
            if (result.Count == maxCount)
            {
                break;
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async Task DeleteTimerAsync(TimerEntry timer, CancellationToken cancellationToken = default) =>
        await _timers.DeleteEntityAsync(TimerPartition, TimerKey(timer), ETag.All, cancellationToken);

    /// <inheritdoc />
    public async Task SendMessageAsync(string queueName, string messageText, TimeSpan? initialVisibilityDelay = null, CancellationToken cancellationToken = default) =>
        await _queues.GetQueueClient(queueName).SendMessageAsync(messageText, initialVisibilityDelay, TimeSpan.FromSeconds(-1), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoreQueueMessage>> ReceiveMessagesAsync(string queueName, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var response = await _queues.GetQueueClient(queueName).ReceiveMessagesAsync(Math.Clamp(maxMessages, 1, 32), visibilityTimeout, cancellationToken);
        return response.Value.Select(m => new StoreQueueMessage(m.MessageId, m.PopReceipt, m.DequeueCount, m.Body.ToString())).ToList();
    }

    /// <inheritdoc />
    public async Task DeleteMessageAsync(string queueName, StoreQueueMessage message, CancellationToken cancellationToken = default)
    {
        try
        {
            await _queues.GetQueueClient(queueName).DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Gone already (another receiver, or the lease ran out and it was handled again).
        }
    }

    /// <inheritdoc />
    public async Task ReleaseMessageAsync(string queueName, StoreQueueMessage message, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        try
        {
            await _queues.GetQueueClient(queueName).UpdateMessageAsync(message.MessageId, message.PopReceipt, (string?)null, delay, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <inheritdoc />
    public async Task<int> GetQueueLengthAsync(string queueName, CancellationToken cancellationToken = default) =>
        (await _queues.GetQueueClient(queueName).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;

    /// <inheritdoc />
    public async Task AddDeadLetterAsync(DeadLetterEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = (DateTimeOffset.MaxValue.UtcTicks - entry.DeadLetteredAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + entry.Id;
        var entity = new TableEntity(DeadLetterPartition, key)
        {
            ["Id"] = entry.Id,
            ["QueueName"] = entry.QueueName,
            ["InstanceId"] = entry.InstanceId,
            ["MessageText"] = Truncate(entry.MessageText),
            ["DequeueCount"] = entry.DequeueCount,
            ["Reason"] = Truncate(entry.Reason),
            ["DeadLetteredAt"] = entry.DeadLetteredAt,
        };
        await _deadLetters.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadLetterEntry>> GetDeadLettersAsync(int maxCount = 100, CancellationToken cancellationToken = default)
    {
        var result = new List<DeadLetterEntry>();
        await foreach (var e in _deadLetters.QueryAsync<TableEntity>($"PartitionKey eq '{DeadLetterPartition}'", maxPerPage: maxCount, cancellationToken: cancellationToken))
        {
            result.Add(new DeadLetterEntry(e.GetString("Id"), e.GetString("QueueName"), e.GetString("InstanceId"), e.GetString("MessageText"), e.GetInt64("DequeueCount") ?? 0, e.GetString("Reason"), e.GetDateTimeOffset("DeadLetteredAt") ?? default));
            if (result.Count == maxCount)
            {
                break;
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async Task UploadPayloadAsync(string name, string content, CancellationToken cancellationToken = default) =>
        await _payloads.GetBlobClient(name).UploadAsync(BinaryData.FromString(content), overwrite: true, cancellationToken);

    /// <inheritdoc />
    public async Task<string> DownloadPayloadAsync(string name, CancellationToken cancellationToken = default) =>
        (await _payloads.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content.ToString();

    /// <inheritdoc />
    public async Task DeletePayloadsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await foreach (var blob in _payloads.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, cancellationToken))
        {
            await _payloads.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
        }
    }

    private static string Truncate(string value) => value.Length > 30_000 ? value[..30_000] : value;

    private static string TimerKey(TimerEntry timer) =>
        timer.DueTime.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + timer.Id;

    private static StoreEntity ToStore(TableEntity entity)
    {
        var result = new StoreEntity(entity.RowKey, entity.ETag.ToString());
        foreach (var (key, value) in entity)
        {
            if (!SystemProperties.Contains(key) && !key.EndsWith("@odata.type", StringComparison.Ordinal))
            {
                result.Properties[key] = value;
            }
        }

        return result;
    }

    private static TableEntity ToTable(string partitionKey, StoreEntity entity)
    {
        var result = new TableEntity(partitionKey, entity.RowKey);
        foreach (var (key, value) in entity.Properties)
        {
            if (value is not null)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
