using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Workshops;

/// <summary>Reads and writes of the Workshops table. Every update is conditional on the ETag read.</summary>
public sealed class WorkshopStore(StorageClients storage) : TableStore(storage, TableName)
{
    public const string TableName = "Workshops";

    public static string SeriesPartition(string seriesId) => "s|" + seriesId;

    public static string CampaignPartition(string campaignId) => "c|" + campaignId;

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
}
