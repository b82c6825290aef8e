using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Nominations;

/// <summary>
/// Reads and writes of the Nominations table and the attachments container. Every update is
/// conditional on the ETag read (a lost race throws <see cref="WriteConflictException"/>).
/// </summary>
public sealed class NominationStore(StorageClients storage) : TableStore(storage, TableName)
{
    public const string TableName = "Nominations";
    public const string ContainerName = "nomination-attachments";
    private volatile bool _containerCreated;

    public static string CallPartition(string callId) => "c|" + callId;

    public async Task<Azure.Storage.Blobs.BlobContainerClient> ContainerAsync(CancellationToken cancellationToken)
    {
        var container = Storage.Blobs.GetBlobContainerClient(ContainerName);
        if (!_containerCreated)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerCreated = true;
        }

        return container;
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

    public Task<List<T>> ListAsync<T>(string partition, CancellationToken cancellationToken)
        where T : class, ITableEntity, new() => QueryAsync<T>(partition, null, cancellationToken);

}
