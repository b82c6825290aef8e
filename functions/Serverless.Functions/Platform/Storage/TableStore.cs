using Azure;
using Azure.Data.Tables;

namespace Serverless.Functions.Platform.Storage;

/// <summary>Thrown when a conditional write lost a race; the caller reads again and retries.</summary>
public sealed class WriteConflictException : Exception
{
    public WriteConflictException()
        : base("The record changed at the same time.")
    {
    }

    public WriteConflictException(string message)
        : base(message)
    {
    }

    public WriteConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A feature's table: created on first use, point reads, partition (and row-key prefix) queries,
/// and writes conditional on the ETag read, where a lost race (or an ETag that is not one of the
/// row's) throws <see cref="WriteConflictException"/> for the caller to read again and retry.
/// </summary>
public abstract class TableStore(StorageClients storage, string tableName)
{
    private volatile bool _created;

    /// <summary>Whether an Add of an existing row inside <see cref="SubmitAsync"/> counts as a lost race (409) rather than an error the caller handles.</summary>
    protected virtual bool DuplicateAddIsConflict => false;

    protected StorageClients Storage => storage;

    /// <summary>A key the platform accepts in a partition or row key: not empty, at most 100 characters, none of / \ # ? | or control characters.</summary>
    public static bool IsValidKey(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 100 && !id.Any(c => c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c));

    /// <summary>Runs an optimistic read-decide-write until it commits without a conflict.</summary>
    public static async Task<T> RetryOnConflictAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken, int maxAttempts = 30)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (WriteConflictException) when (i < maxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * Math.Min(i, 10))), cancellationToken);
            }
        }
    }

    public async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = storage.Tables.GetTableClient(tableName);
        if (!_created)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }

        return table;
    }

    public async Task<T?> GetAsync<T>(string partition, string row, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<T>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task AddAsync(ITableEntity entity, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var response = await table.AddEntityAsync(entity, cancellationToken);
        entity.ETag = response.Headers.ETag ?? entity.ETag;
    }

    /// <summary>Adds the row unless it exists; true when this call added it.</summary>
    public async Task<bool> TryAddAsync(ITableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await AddAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            return false;
        }
    }

    /// <summary>Replaces the row if it still has the ETag it was read with; throws <see cref="WriteConflictException"/> otherwise.</summary>
    public async Task UpdateAsync(ITableEntity entity, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            entity.ETag = response.Headers.ETag ?? entity.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound)
        {
            throw new WriteConflictException($"{entity.PartitionKey}/{entity.RowKey} changed at the same time.", ex);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status400BadRequest && ex.ErrorCode == "InvalidInput")
        {
            // A malformed If-Match from a client matches no version of the row.
            throw new WriteConflictException($"{entity.PartitionKey}/{entity.RowKey}: the ETag sent is not one of this record.", ex);
        }
    }

    /// <summary>Deletes the row if it still has the ETag it was read with; throws <see cref="WriteConflictException"/> otherwise.</summary>
    public async Task DeleteAsync(ITableEntity entity, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        try
        {
            await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status412PreconditionFailed)
        {
            throw new WriteConflictException($"{entity.PartitionKey}/{entity.RowKey} changed at the same time.", ex);
        }
    }

    /// <summary>
    /// One entity-group transaction; on success every entity gets its new ETag. A lost ETag race
    /// throws <see cref="WriteConflictException"/>; other failures keep their exception.
    /// </summary>
    public async Task SubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        if (actions.Count == 0)
        {
            return;
        }

        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken);
            for (var i = 0; i < actions.Count; i++)
            {
                if (actions[i].ActionType != TableTransactionActionType.Delete && response.Value[i].Headers.ETag is { } etag)
                {
                    actions[i].Entity.ETag = etag;
                }
            }
        }
        catch (TableTransactionFailedException ex) when (ex.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound
            || (DuplicateAddIsConflict && ex.Status == StatusCodes.Status409Conflict))
        {
            throw new WriteConflictException("A record changed at the same time.", ex);
        }
    }

    /// <summary>Every row of a partition, or those whose row key starts with <paramref name="prefix"/>.</summary>
    public async Task<List<T>> QueryAsync<T>(string partition, string? prefix, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var table = await TableAsync(cancellationToken);
        var filter = prefix is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + (char)(prefix[^1] + 1)}");
        var list = new List<T>();
        await foreach (var row in table.QueryAsync<T>(filter, cancellationToken: cancellationToken))
        {
            list.Add(row);
        }

        return list;
    }
}
