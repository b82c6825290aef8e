using Azure.Data.Tables;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// The candidate pipeline: proposals (by admins, by CSV, by organisations through their link)
/// and status changes. A change that takes a seat is written together with the seat counter in
/// one transaction conditional on both ETags, so the capacity and the organisation quotas hold
/// however many coordinators click at once.
/// </summary>
public sealed class CandidatePipeline(CohortStore store, PeopleRegistrar registrar, IAuditLog audit, DurableTaskClient durable, TimeProvider time)
{
    public const string RecordType = "cohort-candidate";

    /// <summary>A refused change: the field, a problem code for the portal and a sentence for everyone else.</summary>
    public sealed record Refusal(string Field, string Code, string Message);

    private static readonly Dictionary<string, string[]> Transitions = new()
    {
        [CandidateStatus.Proposed] = [CandidateStatus.Accepted, CandidateStatus.Rejected, CandidateStatus.Withdrawn],
        [CandidateStatus.Accepted] = [CandidateStatus.Proposed, CandidateStatus.Rejected, CandidateStatus.Withdrawn],
        [CandidateStatus.Rejected] = [CandidateStatus.Proposed, CandidateStatus.Accepted, CandidateStatus.Withdrawn],
        [CandidateStatus.Onboarding] = [CandidateStatus.Withdrawn],
        [CandidateStatus.Onboarded] = [CandidateStatus.Withdrawn],
        [CandidateStatus.Withdrawn] = [],
    };

    /// <summary>Finds or registers the person for an address (so every link has an owner).</summary>
    public async Task<PersonEntity?> PersonForAsync(string email, string? name, string? language, string? organisationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var draft = new PersonEntity
        {
            Id = Guid.NewGuid().ToString("N"),
            Name = string.IsNullOrWhiteSpace(name) ? email.Split('@')[0] : name.Trim(),
            Email = PeopleStore.NormalizeEmail(email),
            OrganisationId = organisationId,
            PreferredLanguage = Languages.Normalize(language),
            NetworkRole = "cohort participant",
            CreatedAt = now,
            UpdatedAt = now,
        };
        draft.SetRoles([Roles.Member]);
        return (await registrar.FindOrCreateAsync([draft], "created", cancellationToken)).People.FirstOrDefault();
    }

    /// <summary>Adds the people as proposed candidates; people already in the cohort are left as they are. Returns the rows added.</summary>
    public async Task<List<CandidateEntity>> ProposeAsync(CohortEntity cohort, IReadOnlyList<(PersonEntity Person, string? OrganisationId)> proposals, string source, string? actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var existing = (await store.ListCandidatesAsync(cohort.Id, cancellationToken)).Select(c => c.PersonId).ToHashSet(StringComparer.Ordinal);
        var fresh = proposals.Where(p => !existing.Contains(p.Person.Id)).DistinctBy(p => p.Person.Id).Select(p => new CandidateEntity
        {
            PartitionKey = CohortStore.CohortPartition(cohort.Id),
            RowKey = CandidateEntity.Prefix + p.Person.Id,
            CohortId = cohort.Id,
            PersonId = p.Person.Id,
            Name = p.Person.Name,
            Email = p.Person.Email,
            Language = p.Person.PreferredLanguage,
            OrganisationId = p.OrganisationId ?? p.Person.OrganisationId,
            Status = CandidateStatus.Proposed,
            Source = source,
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();

        var added = new List<CandidateEntity>();
        foreach (var chunk in fresh.Chunk(100))
        {
            try
            {
                await store.SubmitAsync(chunk.Select(c => new TableTransactionAction(TableTransactionActionType.Add, c)).ToList(), cancellationToken);
                added.AddRange(chunk);
            }
            catch (WriteConflictException)
            {
                // Someone proposed one of them at the same moment: add the rest one by one.
                foreach (var candidate in chunk)
                {
                    try
                    {
                        await store.AddAsync(candidate, cancellationToken);
                        added.Add(candidate);
                    }
                    catch (Azure.RequestFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
                    {
                    }
                }
            }
        }

        if (added.Count > 0)
        {
            await audit.RecordAsync(
                new AuditRecord(CohortsApi.RecordType, cohort.Id, "candidates-proposed", After: new { source, count = added.Count, personIds = added.Select(c => c.PersonId) }) { Actor = actor },
                cancellationToken);
        }

        return added;
    }

    /// <summary>Moves a candidate to a status a person may set; capacity and quota are checked in the same transaction that takes the seat.</summary>
    public async Task<(CandidateEntity? Candidate, Refusal? Refusal)> SetStatusAsync(CohortEntity cohort, string personId, string? status, Azure.ETag? ifMatch, CancellationToken cancellationToken)
    {
        if (status is null || !CandidateStatus.Settable.Contains(status))
        {
            return (null, new Refusal("status", "status_invalid", $"The status is one of {string.Join(", ", CandidateStatus.Settable)}."));
        }

        for (var attempt = 1; ; attempt++)
        {
            var candidate = await store.GetCandidateAsync(cohort.Id, personId, cancellationToken);
            if (candidate is null)
            {
                return (null, null);
            }

            if (ifMatch is { } expected && attempt == 1 && candidate.ETag != expected)
            {
                return (null, new Refusal("etag", "changed", "The candidate was changed by someone else since you opened the list. Reload it and try again."));
            }

            if (candidate.Status == status)
            {
                return (candidate, null);
            }

            if (!Transitions[candidate.Status].Contains(status))
            {
                return (null, candidate.Status == CandidateStatus.Withdrawn
                    ? new Refusal("status", "candidate_withdrawn", $"{candidate.Name} has withdrawn from the cohort; a withdrawn candidate cannot be {status}.")
                    : new Refusal("status", "transition_invalid", $"A candidate who is {candidate.Status} cannot become {status}."));
            }

            var before = ToAudit(candidate);
            var seats = await store.GetSeatsAsync(cohort.Id, cancellationToken) ?? new SeatsEntity { PartitionKey = CohortStore.CohortPartition(cohort.Id) };
            var takes = !CandidateStatus.HoldsSeat(candidate.Status) && CandidateStatus.HoldsSeat(status);
            var frees = CandidateStatus.HoldsSeat(candidate.Status) && !CandidateStatus.HoldsSeat(status);
            var byOrg = seats.ByOrganisationMap;
            if (takes)
            {
                if (seats.Taken >= seats.CapacityOr(cohort))
                {
                    return (null, new Refusal("status", "cohort_full", $"The cohort is full: {seats.Taken} of {seats.CapacityOr(cohort)} seats are taken."));
                }

                if (seats.QuotaOf(cohort, candidate.OrganisationId) is { } quota && byOrg.GetValueOrDefault(candidate.OrganisationId!) >= quota)
                {
                    return (null, new Refusal("status", "quota_full", $"The organisation's quota is used up: {byOrg.GetValueOrDefault(candidate.OrganisationId!)} of {quota} seats."));
                }

                seats.Taken++;
                if (candidate.OrganisationId is { } org)
                {
                    byOrg[org] = byOrg.GetValueOrDefault(org) + 1;
                }
            }
            else if (frees)
            {
                seats.Taken = Math.Max(0, seats.Taken - 1);
                if (candidate.OrganisationId is { } org && byOrg.TryGetValue(org, out var used))
                {
                    byOrg[org] = Math.Max(0, used - 1);
                }
            }

            seats.ByOrganisation = TableJson.Write(byOrg);
            var wasOnboarding = candidate.Status is CandidateStatus.Onboarding;
            candidate.Status = status;
            candidate.UpdatedAt = time.GetUtcNow();
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, candidate, candidate.ETag) };
            if (takes || frees)
            {
                actions.Add(seats.ETag == default
                    ? new TableTransactionAction(TableTransactionActionType.Add, seats)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, seats, seats.ETag));
            }

            try
            {
                await store.SubmitAsync(actions, cancellationToken);
            }
            catch (WriteConflictException) when (attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 40)), cancellationToken);
                continue;
            }

            await audit.RecordAsync(new AuditRecord(RecordType, cohort.Id + "/" + personId, "status-changed", before, ToAudit(candidate)), cancellationToken);
            if (wasOnboarding && status == CandidateStatus.Withdrawn)
            {
                await NotifyParticipantAsync(cohort.Id, personId, CandidateStatus.Withdrawn, cancellationToken);
            }

            return (candidate, null);
        }
    }

    /// <summary>
    /// Tells the participant's onboarding orchestration that it is over (onboarded or withdrawn). The
    /// provider drops an event for an instance that does not exist; the records are the truth.
    /// </summary>
    public Task NotifyParticipantAsync(string cohortId, string personId, string outcome, CancellationToken cancellationToken) =>
        durable.RaiseEventAsync(ParticipantOnboardingOrchestrator.InstanceIdFor(cohortId, personId), ParticipantOnboardingOrchestrator.DoneEvent, outcome, cancellationToken);

    public static object ToAudit(CandidateEntity c) => new { c.PersonId, c.Name, c.Email, c.OrganisationId, c.Status, c.Round };

    public static Candidate ToContract(CandidateEntity c) => new(
        c.PersonId, c.Name, c.Email, c.Language, c.OrganisationId, c.Status, c.Source, c.WelcomeSentAt, c.RemindedAt, c.EscalatedAt, c.OnboardedAt,
        c.Status == CandidateStatus.Onboarding ? c.Missing() : [], c.ChallengeTitle, c.ETag.ToString());
}
