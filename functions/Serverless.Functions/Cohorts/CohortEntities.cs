using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Cohorts;

// Table layout (one table, "Cohorts"):
//   programmes    | {programmeId}        a programme (e.g. "Digital Leaders")
//   cohorts       | {cohortId}           a cohort (edition): dates, capacity, people, budget, organisations with quotas
//   k|{cohortId}  | seats                the cohort's seat counter (ETag-guarded): taken seats, per organisation
//   k|{cohortId}  | cand|{personId}      one candidate: status, onboarding submissions, challenge
// A status change that takes or frees a seat is one entity-group transaction of the candidate
// row and the seat counter, each conditional on its ETag, so capacity and quotas hold under races.

public sealed class ProgrammeEntity : ITableEntity
{
    public const string Partition = "programmes";

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public string Id => RowKey;
}

public sealed class CohortEntity : ITableEntity
{
    public const string Partition = "cohorts";

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string ProgrammeId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Dates as "yyyy-MM-dd".</summary>
    public string StartDate { get; set; } = "";

    public string EndDate { get; set; } = "";

    public int Capacity { get; set; }

    public string CoordinatorId { get; set; } = "";

    /// <summary>Person ids, JSON list.</summary>
    public string ManagerIds { get; set; } = "[]";

    /// <summary>JSON list of <see cref="SteeringMember"/>.</summary>
    public string SteeringCommittee { get; set; } = "[]";

    /// <summary>JSON list of <see cref="CohortOrganisation"/>.</summary>
    public string Organisations { get; set; } = "[]";

    /// <summary>JSON list of <see cref="BudgetLine"/>.</summary>
    public string Budget { get; set; } = "[]";

    public string Currency { get; set; } = "EUR";

    /// <summary>How many onboarding rounds were started; round n runs as <see cref="CohortOnboardingOrchestrator"/> instance n.</summary>
    public int OnboardingRounds { get; set; }

    public DateTimeOffset? OnboardingDeadline { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public string Id => RowKey;

    [IgnoreDataMember]
    public List<string> ManagerList => TableJson.Read<List<string>>(ManagerIds);

    [IgnoreDataMember]
    public List<SteeringMember> SteeringList => TableJson.Read<List<SteeringMember>>(SteeringCommittee);

    [IgnoreDataMember]
    public List<CohortOrganisation> OrganisationList => TableJson.Read<List<CohortOrganisation>>(Organisations);

    [IgnoreDataMember]
    public List<BudgetLine> BudgetList => TableJson.Read<List<BudgetLine>>(Budget);

    public int? QuotaOf(string? organisationId) =>
        organisationId is null ? null : OrganisationList.FirstOrDefault(o => o.OrganisationId == organisationId)?.Quota;
}

public sealed record SteeringMember(string Name, string Role);

/// <summary>An Ishikawa diagram: the problem at the head, categories of causes along the spine, causes with sub-causes on each bone.</summary>
public sealed record Fishbone(List<FishboneCategory> Categories);

public sealed record FishboneCategory(string Name, List<FishboneCause> Causes);

public sealed record FishboneCause(string Text, List<string> SubCauses);

public sealed record CohortOrganisation(string OrganisationId, int Quota);

public sealed record BudgetLine(string Label, decimal Planned, decimal Spent);

/// <summary>
/// Seats of one cohort: candidates accepted, onboarding or onboarded hold one each. The row also
/// holds the limits (capacity, quotas) the seats are counted against, so an acceptance checks and
/// takes a seat against one ETag, and a change of the limits is checked against the same row.
/// </summary>
public sealed class SeatsEntity : ITableEntity
{
    public const string Row = "seats";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = Row;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int Taken { get; set; }

    /// <summary>Seats by organisation id, JSON object.</summary>
    public string ByOrganisation { get; set; } = "{}";

    /// <summary>The cohort's capacity as last saved (0: not yet recorded here; the cohort row's then).</summary>
    public int Capacity { get; set; }

    /// <summary>Quotas by organisation id, JSON object (null: not yet recorded here).</summary>
    public string? Quotas { get; set; }

    public int CapacityOr(CohortEntity cohort) => Capacity > 0 ? Capacity : cohort.Capacity;

    public int? QuotaOf(CohortEntity cohort, string? organisationId) =>
        organisationId is null ? null
        : Quotas is null ? cohort.QuotaOf(organisationId)
        : TableJson.Read<Dictionary<string, int>>(Quotas).TryGetValue(organisationId, out var quota) ? quota : null;

    public void SetLimits(int capacity, IEnumerable<CohortOrganisation> organisations)
    {
        Capacity = capacity;
        Quotas = TableJson.Write(organisations.ToDictionary(o => o.OrganisationId, o => o.Quota));
    }

    [IgnoreDataMember]
    public Dictionary<string, int> ByOrganisationMap => TableJson.Read<Dictionary<string, int>>(ByOrganisation);
}

public static class CandidateStatus
{
    public const string Proposed = "proposed";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Onboarding = "onboarding";
    public const string Onboarded = "onboarded";
    public const string Withdrawn = "withdrawn";

    public static readonly string[] All = [Proposed, Accepted, Rejected, Onboarding, Onboarded, Withdrawn];

    /// <summary>The statuses a person can set; onboarding and onboarded follow from the onboarding process.</summary>
    public static readonly string[] Settable = [Proposed, Accepted, Rejected, Withdrawn];

    public static bool HoldsSeat(string status) => status is Accepted or Onboarding or Onboarded;
}

public sealed class CandidateEntity : ITableEntity
{
    public const string Prefix = "cand|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string CohortId { get; set; } = "";

    public string PersonId { get; set; } = "";

    public string Name { get; set; } = "";

    public string Email { get; set; } = "";

    public string Language { get; set; } = "en";

    public string? OrganisationId { get; set; }

    public string Status { get; set; } = CandidateStatus.Proposed;

    /// <summary>"admin", "csv" or "organisation:{id}".</summary>
    public string Source { get; set; } = "";

    /// <summary>The onboarding round that took this participant in (0: none yet).</summary>
    public int Round { get; set; }

    public DateTimeOffset? WelcomeSentAt { get; set; }

    public DateTimeOffset? RemindedAt { get; set; }

    public DateTimeOffset? EscalatedAt { get; set; }

    public DateTimeOffset? OnboardedAt { get; set; }

    public string? Error { get; set; }

    public string? JobTitle { get; set; }

    public string? Bio { get; set; }

    public DateTimeOffset? ConsentGivenAt { get; set; }

    public string? ChallengeTitle { get; set; }

    public string? ChallengeDescription { get; set; }

    /// <summary>The theme the coordinator grouped the challenge under on the board.</summary>
    public string? ChallengeTheme { get; set; }

    /// <summary>The workshop group that analyses the challenge.</summary>
    public string? WorkshopGroup { get; set; }

    /// <summary>The challenge's fishbone (Ishikawa) diagram as JSON (<see cref="Fishbone"/>).</summary>
    public string? Fishbone { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public bool HasProfile => !string.IsNullOrWhiteSpace(JobTitle);

    [IgnoreDataMember]
    public bool HasConsent => ConsentGivenAt is not null;

    [IgnoreDataMember]
    public bool HasChallenge => !string.IsNullOrWhiteSpace(ChallengeTitle) && !string.IsNullOrWhiteSpace(ChallengeDescription);

    /// <summary>Why an onboarding participant is not onboarded yet (empty when nothing is missing).</summary>
    public List<string> Missing()
    {
        var missing = new List<string>();
        if (Error is not null)
        {
            missing.Add("unreachable");
        }
        else if (WelcomeSentAt is null)
        {
            missing.Add("welcome_pending");
        }

        if (!HasProfile)
        {
            missing.Add("profile");
        }

        if (!HasConsent)
        {
            missing.Add("consent");
        }

        if (!HasChallenge)
        {
            missing.Add("challenge");
        }

        return missing;
    }

    public CandidateEntity Copy() => (CandidateEntity)MemberwiseClone();
}
