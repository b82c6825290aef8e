using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Workshops;

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

/// <summary>Reads and writes of the Workshops table. Every update is conditional on the ETag read.</summary>
public sealed class WorkshopStore(StorageClients storage)
{
    public const string TableName = "Workshops";
    private volatile bool _created;

    public static string SeriesPartition(string seriesId) => "s|" + seriesId;

    public static string CampaignPartition(string campaignId) => "c|" + campaignId;

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

    public static bool IsValidKey(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 100 && !id.Any(c => c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c));

    public async Task<T?> GetAsync<T>(string partition, string row, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<T>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public Task<SeriesEntity?> GetSeriesAsync(string seriesId, CancellationToken cancellationToken) =>
        IsValidKey(seriesId) ? GetAsync<SeriesEntity>(SeriesEntity.Partition, seriesId, cancellationToken) : Task.FromResult<SeriesEntity?>(null);

    public async Task<List<SeriesEntity>> ListSeriesAsync(CancellationToken cancellationToken) =>
        await QueryAsync<SeriesEntity>(SeriesEntity.Partition, null, cancellationToken);

    public Task<SessionEntity?> GetSessionAsync(string seriesId, string sessionId, CancellationToken cancellationToken) =>
        IsValidKey(seriesId) && IsValidKey(sessionId)
            ? GetAsync<SessionEntity>(SeriesPartition(seriesId), SessionEntity.Prefix + sessionId, cancellationToken)
            : Task.FromResult<SessionEntity?>(null);

    public Task<List<SessionEntity>> ListSessionsAsync(string seriesId, CancellationToken cancellationToken) =>
        QueryAsync<SessionEntity>(SeriesPartition(seriesId), SessionEntity.Prefix, cancellationToken);

    public Task<List<SeatCounterEntity>> ListCountersAsync(string seriesId, CancellationToken cancellationToken) =>
        QueryAsync<SeatCounterEntity>(SeriesPartition(seriesId), SeatCounterEntity.Prefix, cancellationToken);

    /// <summary>
    /// The counters of the given sessions, by point reads: cheaper than <see cref="ListCountersAsync"/>,
    /// whose range query walks a partition that also holds every registration of the series.
    /// </summary>
    public async Task<List<SeatCounterEntity>> GetCountersAsync(string seriesId, IEnumerable<string> sessionIds, CancellationToken cancellationToken)
    {
        var found = await Task.WhenAll(sessionIds.Distinct(StringComparer.Ordinal).Where(IsValidKey)
            .Select(id => GetAsync<SeatCounterEntity>(SeriesPartition(seriesId), SeatCounterEntity.Prefix + id, cancellationToken)));
        return [.. found.OfType<SeatCounterEntity>()];
    }

    public Task<RegistrationEntity?> GetRegistrationAsync(string seriesId, string personId, CancellationToken cancellationToken) =>
        IsValidKey(seriesId) && IsValidKey(personId)
            ? GetAsync<RegistrationEntity>(SeriesPartition(seriesId), RegistrationEntity.Prefix + personId, cancellationToken)
            : Task.FromResult<RegistrationEntity?>(null);

    public Task<List<RegistrationEntity>> ListRegistrationsAsync(string seriesId, CancellationToken cancellationToken) =>
        QueryAsync<RegistrationEntity>(SeriesPartition(seriesId), RegistrationEntity.Prefix, cancellationToken);

    /// <summary>Registrations, in any series, whose follow-up has been owed since before <paramref name="before"/> (a page of at most 100).</summary>
    public async Task<List<RegistrationEntity>> ListFollowUpsDueAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"RowKey ge {RegistrationEntity.Prefix} and RowKey lt {"reg}"} and FollowUpDueAt lt {before}");
        var rows = new List<RegistrationEntity>();
        await foreach (var row in table.QueryAsync<RegistrationEntity>(filter, maxPerPage: 100, cancellationToken: cancellationToken))
        {
            rows.Add(row);
            if (rows.Count == 100)
            {
                break;
            }
        }

        return rows;
    }

    public Task<List<FeedbackEntity>> ListFeedbackAsync(string seriesId, CancellationToken cancellationToken) =>
        QueryAsync<FeedbackEntity>(SeriesPartition(seriesId), FeedbackEntity.Prefix, cancellationToken);

    /// <summary>The first waitlisted person of a session (lowest waitlist number), if any.</summary>
    public async Task<RegistrationEntity?> FirstWaitlistedAsync(string seriesId, string sessionId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var partition = SeriesPartition(seriesId);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {RegistrationEntity.Prefix} and RowKey lt {"reg}"} and SessionId eq {sessionId} and Status eq {RegistrationStatus.Waitlisted}");
        RegistrationEntity? first = null;
        await foreach (var row in table.QueryAsync<RegistrationEntity>(filter, cancellationToken: cancellationToken))
        {
            if (first is null || row.WaitlistNumber < first.WaitlistNumber)
            {
                first = row;
            }
        }

        return first;
    }

    public Task<CampaignEntity?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken) =>
        IsValidKey(campaignId) ? GetAsync<CampaignEntity>(CampaignEntity.Partition, campaignId, cancellationToken) : Task.FromResult<CampaignEntity?>(null);

    public Task<List<CampaignEntity>> ListCampaignsAsync(CancellationToken cancellationToken) =>
        QueryAsync<CampaignEntity>(CampaignEntity.Partition, null, cancellationToken);

    public Task<InvitationEntity?> GetInvitationAsync(string campaignId, string personId, CancellationToken cancellationToken) =>
        IsValidKey(campaignId) && IsValidKey(personId)
            ? GetAsync<InvitationEntity>(CampaignPartition(campaignId), personId, cancellationToken)
            : Task.FromResult<InvitationEntity?>(null);

    public Task<List<InvitationEntity>> ListInvitationsAsync(string campaignId, CancellationToken cancellationToken) =>
        QueryAsync<InvitationEntity>(CampaignPartition(campaignId), null, cancellationToken);

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
    }

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
        catch (TableTransactionFailedException ex) when (ex.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound)
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
}
