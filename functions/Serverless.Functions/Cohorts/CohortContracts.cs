namespace Serverless.Functions.Cohorts;

public sealed record ProgrammeRequest(string? Id, string? Name, string? Description);

public sealed record Programme(string Id, string Name, string Description, DateTimeOffset CreatedAt, string ETag);

public sealed record CohortRequest(
    string? Id,
    string? ProgrammeId,
    string? Name,
    string? StartDate,
    string? EndDate,
    int? Capacity,
    string? CoordinatorId,
    List<string>? ManagerIds,
    List<SteeringMember>? SteeringCommittee,
    List<CohortOrganisation>? Organisations,
    List<BudgetLine>? Budget,
    string? Currency);

public sealed record OrganisationQuota(string OrganisationId, string Name, int Quota, int Used);

public sealed record PersonRef(string Id, string Name, string Email);

public sealed record BudgetTotals(decimal Planned, decimal Spent, decimal Remaining);

public sealed record Cohort(
    string Id,
    string ProgrammeId,
    string ProgrammeName,
    string Name,
    string StartDate,
    string EndDate,
    int Capacity,
    int SeatsTaken,
    PersonRef? Coordinator,
    IReadOnlyList<PersonRef> Managers,
    IReadOnlyList<SteeringMember> SteeringCommittee,
    IReadOnlyList<OrganisationQuota> Organisations,
    IReadOnlyList<BudgetLine> Budget,
    BudgetTotals BudgetTotals,
    string Currency,
    IReadOnlyDictionary<string, int> Counts,
    int OnboardingRounds,
    DateTimeOffset? OnboardingDeadline,
    string ETag);

public sealed record Candidate(
    string PersonId,
    string Name,
    string Email,
    string Language,
    string? OrganisationId,
    string Status,
    string Source,
    DateTimeOffset? WelcomeSentAt,
    DateTimeOffset? RemindedAt,
    DateTimeOffset? EscalatedAt,
    DateTimeOffset? OnboardedAt,
    IReadOnlyList<string> Missing,
    string? ChallengeTitle,
    string ETag);

public sealed record CandidateRequest(string? Email, string? Name, string? Language, string? OrganisationId);

public sealed record CandidateStatusRequest(string? Status);

public sealed record CandidateImportRequest(string? Csv);

public sealed record CandidateImportResult(int Added, int AlreadyCandidates, IReadOnlyList<Candidate> Candidates);

public sealed record ProposalLinkRequest(string? OrganisationId, int? ValidDays);

public sealed record ProposalLink(string OrganisationId, string Link, DateTimeOffset ExpiresAt);

public sealed record StartOnboardingRequest(DateTimeOffset? Deadline, double? ReminderHoursBefore);

public sealed record OnboardingStarted(int Round, int Added, int Participants, IReadOnlyList<string> InstanceIds);

public sealed record StuckParticipant(string PersonId, string Name, string Email, IReadOnlyList<string> Missing, DateTimeOffset? WelcomeSentAt, DateTimeOffset? RemindedAt, DateTimeOffset? EscalatedAt);

public sealed record OnboardingRound(int Round, string InstanceId, string RuntimeStatus);

public sealed record OnboardingProgress(int Total, int Onboarded, int Welcomed, int Escalated, IReadOnlyList<OnboardingRound> Rounds, IReadOnlyList<StuckParticipant> Stuck, DateTimeOffset? Deadline);

public sealed record ProposalPage(string CohortId, string CohortName, string ProgrammeName, string OrganisationId, string OrganisationName, int? Quota, IReadOnlyList<ProposedPerson> Proposed);

public sealed record ProposedPerson(string Name, string Email, string Status);

public sealed record ProposalRequest(string? Name, string? Email, string? Language);

public sealed record OnboardingPage(
    string CohortId,
    string CohortName,
    string ProgrammeName,
    string Name,
    string Language,
    string Status,
    string? JobTitle,
    string? Bio,
    bool Consent,
    string? ChallengeTitle,
    string? ChallengeDescription,
    IReadOnlyList<string> Missing);

public sealed record OnboardingRequest(string? JobTitle, string? Bio, bool? Consent, string? ChallengeTitle, string? ChallengeDescription);
