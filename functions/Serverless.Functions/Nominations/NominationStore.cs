using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Workshops;

namespace Serverless.Functions.Nominations;

/// <summary>
/// Reads and writes of the Nominations table and the attachments container. Every update is
/// conditional on the ETag read (a lost race throws <see cref="WriteConflictException"/>).
/// </summary>
public sealed class NominationStore(StorageClients storage)
{
    public const string TableName = "Nominations";
    public const string ContainerName = "nomination-attachments";
    private volatile bool _created;
    private volatile bool _containerCreated;

    public static string CallPartition(string callId) => "c|" + callId;

    public static bool IsValidKey(string? id) => WorkshopStore.IsValidKey(id);

    public async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = storage.Tables.GetTableClient(TableName);
        if (!_created)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }

        return table;
    }

    public async Task<Azure.Storage.Blobs.BlobContainerClient> ContainerAsync(CancellationToken cancellationToken)
    {
        var container = storage.Blobs.GetBlobContainerClient(ContainerName);
        if (!_containerCreated)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerCreated = true;
        }

        return container;
    }

    public async Task<T?> GetAsync<T>(string partition, string row, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<T>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public Task<CallEntity?> GetCallAsync(string callId, CancellationToken cancellationToken) =>
        IsValidKey(callId) ? GetAsync<CallEntity>(CallEntity.Partition, callId, cancellationToken) : Task.FromResult<CallEntity?>(null);

    public Task<List<CallEntity>> ListCallsAsync(CancellationToken cancellationToken) => QueryAsync<CallEntity>(CallEntity.Partition, null, cancellationToken);

    public Task<NominationEntity?> GetNominationAsync(string callId, string nominationId, CancellationToken cancellationToken) =>
        IsValidKey(callId) && IsValidKey(nominationId)
            ? GetAsync<NominationEntity>(CallPartition(callId), NominationEntity.Prefix + nominationId, cancellationToken)
            : Task.FromResult<NominationEntity?>(null);

    public Task<List<NominationEntity>> ListNominationsAsync(string callId, CancellationToken cancellationToken) =>
        QueryAsync<NominationEntity>(CallPartition(callId), NominationEntity.Prefix, cancellationToken);

    public Task<AssignmentEntity?> GetAssignmentAsync(string callId, string nominationId, string reviewerId, CancellationToken cancellationToken) =>
        IsValidKey(callId) && IsValidKey(nominationId) && IsValidKey(reviewerId)
            ? GetAsync<AssignmentEntity>(CallPartition(callId), AssignmentEntity.RowFor(nominationId, reviewerId), cancellationToken)
            : Task.FromResult<AssignmentEntity?>(null);

    /// <summary>The assignments of one nomination, or of the whole call when <paramref name="nominationId"/> is null.</summary>
    public Task<List<AssignmentEntity>> ListAssignmentsAsync(string callId, string? nominationId, CancellationToken cancellationToken) =>
        QueryAsync<AssignmentEntity>(CallPartition(callId), nominationId is null ? AssignmentEntity.Prefix : AssignmentEntity.Prefix + nominationId + "|", cancellationToken);

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

    public Task<List<T>> ListAsync<T>(string partition, CancellationToken cancellationToken)
        where T : class, ITableEntity, new() => QueryAsync<T>(partition, null, cancellationToken);

    private async Task<List<T>> QueryAsync<T>(string partition, string? prefix, CancellationToken cancellationToken)
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
