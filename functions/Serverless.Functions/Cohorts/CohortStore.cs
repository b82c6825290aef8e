using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Workshops;

namespace Serverless.Functions.Cohorts;

/// <summary>Reads and writes of the Cohorts table. Every update is conditional on the ETag read (conflicts throw <see cref="WriteConflictException"/>).</summary>
public sealed class CohortStore(StorageClients storage)
{
    public const string TableName = "Cohorts";
    private volatile bool _created;

    public static string CohortPartition(string cohortId) => "k|" + cohortId;

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

    public async Task<T?> GetAsync<T>(string partition, string row, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<T>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public Task<ProgrammeEntity?> GetProgrammeAsync(string id, CancellationToken cancellationToken) =>
        WorkshopStore.IsValidKey(id) ? GetAsync<ProgrammeEntity>(ProgrammeEntity.Partition, id, cancellationToken) : Task.FromResult<ProgrammeEntity?>(null);

    public Task<List<ProgrammeEntity>> ListProgrammesAsync(CancellationToken cancellationToken) => QueryAsync<ProgrammeEntity>(ProgrammeEntity.Partition, null, cancellationToken);

    public Task<CohortEntity?> GetCohortAsync(string id, CancellationToken cancellationToken) =>
        WorkshopStore.IsValidKey(id) ? GetAsync<CohortEntity>(CohortEntity.Partition, id, cancellationToken) : Task.FromResult<CohortEntity?>(null);

    public Task<List<CohortEntity>> ListCohortsAsync(CancellationToken cancellationToken) => QueryAsync<CohortEntity>(CohortEntity.Partition, null, cancellationToken);

    public Task<SeatsEntity?> GetSeatsAsync(string cohortId, CancellationToken cancellationToken) =>
        GetAsync<SeatsEntity>(CohortPartition(cohortId), SeatsEntity.Row, cancellationToken);

    public Task<CandidateEntity?> GetCandidateAsync(string cohortId, string personId, CancellationToken cancellationToken) =>
        WorkshopStore.IsValidKey(cohortId) && WorkshopStore.IsValidKey(personId)
            ? GetAsync<CandidateEntity>(CohortPartition(cohortId), CandidateEntity.Prefix + personId, cancellationToken)
            : Task.FromResult<CandidateEntity?>(null);

    public Task<List<CandidateEntity>> ListCandidatesAsync(string cohortId, CancellationToken cancellationToken) =>
        QueryAsync<CandidateEntity>(CohortPartition(cohortId), CandidateEntity.Prefix, cancellationToken);

    public async Task AddAsync(ITableEntity entity, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var response = await table.AddEntityAsync(entity, cancellationToken);
        entity.ETag = response.Headers.ETag ?? entity.ETag;
    }

    /// <summary>Replaces the row if it still has the ETag it was read with.</summary>
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
    }

    /// <summary>One entity-group transaction; a lost ETag race (or an Add of an existing row) throws <see cref="WriteConflictException"/>.</summary>
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
        catch (TableTransactionFailedException ex) when (ex.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound or StatusCodes.Status409Conflict)
        {
            throw new WriteConflictException("A record changed at the same time.", ex);
        }
    }

    private async Task<List<T>> QueryAsync<T>(string partition, string? prefix, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var table = await TableAsync(cancellationToken);
        var filter = prefix is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
        var list = new List<T>();
        await foreach (var row in table.QueryAsync<T>(filter, cancellationToken: cancellationToken))
        {
            list.Add(row);
        }

        return list;
    }
}
