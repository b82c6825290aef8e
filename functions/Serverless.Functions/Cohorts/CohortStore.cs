using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Cohorts;

/// <summary>Reads and writes of the Cohorts table. Every update is conditional on the ETag read (conflicts throw <see cref="WriteConflictException"/>).</summary>
public sealed class CohortStore(StorageClients storage) : TableStore(storage, TableName)
{
    public const string TableName = "Cohorts";

    /// <summary>Candidates are added in transactions with their seat counts; one added twice lost a race.</summary>
    protected override bool DuplicateAddIsConflict => true;

    public static string CohortPartition(string cohortId) => "k|" + cohortId;

    public Task<ProgrammeEntity?> GetProgrammeAsync(string id, CancellationToken cancellationToken) =>
        TableStore.IsValidKey(id) ? GetAsync<ProgrammeEntity>(ProgrammeEntity.Partition, id, cancellationToken) : Task.FromResult<ProgrammeEntity?>(null);

    public Task<List<ProgrammeEntity>> ListProgrammesAsync(CancellationToken cancellationToken) => QueryAsync<ProgrammeEntity>(ProgrammeEntity.Partition, null, cancellationToken);

    public Task<CohortEntity?> GetCohortAsync(string id, CancellationToken cancellationToken) =>
        TableStore.IsValidKey(id) ? GetAsync<CohortEntity>(CohortEntity.Partition, id, cancellationToken) : Task.FromResult<CohortEntity?>(null);

    public Task<List<CohortEntity>> ListCohortsAsync(CancellationToken cancellationToken) => QueryAsync<CohortEntity>(CohortEntity.Partition, null, cancellationToken);

    public Task<SeatsEntity?> GetSeatsAsync(string cohortId, CancellationToken cancellationToken) =>
        GetAsync<SeatsEntity>(CohortPartition(cohortId), SeatsEntity.Row, cancellationToken);

    public Task<CandidateEntity?> GetCandidateAsync(string cohortId, string personId, CancellationToken cancellationToken) =>
        TableStore.IsValidKey(cohortId) && TableStore.IsValidKey(personId)
            ? GetAsync<CandidateEntity>(CohortPartition(cohortId), CandidateEntity.Prefix + personId, cancellationToken)
            : Task.FromResult<CandidateEntity?>(null);

    public Task<List<CandidateEntity>> ListCandidatesAsync(string cohortId, CancellationToken cancellationToken) =>
        QueryAsync<CandidateEntity>(CohortPartition(cohortId), CandidateEntity.Prefix, cancellationToken);
}
