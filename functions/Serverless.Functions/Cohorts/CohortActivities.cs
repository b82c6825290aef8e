using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Cohorts;

// The onboarding's activities: the only places with I/O. Each may run more than once, so each is
// idempotent: records are written with their ETag and every email's key names the business event.

/// <summary>The participants a round took in (their records carry the round number).</summary>
public sealed class ListRoundParticipants(CohortStore store) : TaskActivity<ListRoundParticipants.Input, List<string>>
{
    public sealed record Input(string CohortId, int Round);

    public override async Task<List<string>> RunAsync(TaskActivityContext context, Input input) =>
        [.. (await store.ListCandidatesAsync(input.CohortId, CancellationToken.None)).Where(c => c.Round == input.Round).Select(c => c.PersonId).Order(StringComparer.Ordinal)];
}

/// <summary>Starts each participant's onboarding orchestration (an existing one is left as it is); returns how many were asked for.</summary>
public sealed class StartParticipantOnboardings(DurableTaskClient durable) : TaskActivity<StartParticipantOnboardings.Input, int>
{
    public sealed record Input(CohortOnboardingOrchestrator.Input Round, IReadOnlyList<string> PersonIds);

    public override async Task<int> RunAsync(TaskActivityContext context, Input input)
    {
        foreach (var personId in input.PersonIds)
        {
            await durable.StartOnceAsync(
                nameof(ParticipantOnboardingOrchestrator),
                new ParticipantOnboardingOrchestrator.Input(input.Round.CohortId, personId, input.Round.DeadlineUtc, input.Round.RemindAtUtc),
                ParticipantOnboardingOrchestrator.InstanceIdFor(input.Round.CohortId, personId),
                CancellationToken.None);
        }

        return input.PersonIds.Count;
    }
}

/// <summary>A round's counts from the records (the same source the portal shows).</summary>
public sealed class CountRoundProgress(CohortStore store) : TaskActivity<ListRoundParticipants.Input, RoundProgress>
{
    public override async Task<RoundProgress> RunAsync(TaskActivityContext context, ListRoundParticipants.Input input)
    {
        var rows = (await store.ListCandidatesAsync(input.CohortId, CancellationToken.None)).Where(c => c.Round == input.Round).ToList();
        return new RoundProgress(
            input.Round,
            rows.Count,
            rows.Count(r => r.Status == CandidateStatus.Onboarded),
            rows.Count(r => r.EscalatedAt is not null && r.Status == CandidateStatus.Onboarding),
            rows.Count(r => r.Status == CandidateStatus.Withdrawn),
            rows.Count(r => r.Error is not null));
    }
}

/// <summary>Sends the welcome with the personal onboarding link (once: email key cohort + person) and records when.</summary>
public sealed class SendCohortWelcome(CohortStore store, CohortLinks links, CohortEmails emails, IEmailSender email, TimeProvider time) : TaskActivity<ParticipantOnboardingOrchestrator.Input, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, ParticipantOnboardingOrchestrator.Input input)
    {
        var participant = await store.GetCandidateAsync(input.CohortId, input.PersonId, CancellationToken.None);
        var cohort = await store.GetCohortAsync(input.CohortId, CancellationToken.None);
        if (participant is null || cohort is null)
        {
            return ParticipantOutcome.Unreachable;
        }

        switch (participant.Status)
        {
            case CandidateStatus.Onboarded:
                return ParticipantOutcome.Onboarded;
            case CandidateStatus.Withdrawn or CandidateStatus.Rejected or CandidateStatus.Proposed:
                return ParticipantOutcome.Withdrawn;
        }

        if (participant.WelcomeSentAt is not null)
        {
            return ParticipantOutcome.Welcomed;
        }

        if (!RegistryValidation.IsValidEmail(participant.Email))
        {
            await OnboardingRecords.UpdateAsync(store, input.CohortId, input.PersonId, c => c.Error ??= "No valid email address.", CancellationToken.None);
            return ParticipantOutcome.Unreachable;
        }

        var programme = (await store.GetProgrammeAsync(cohort.ProgrammeId, CancellationToken.None))?.Name ?? "";
        var deadline = new DateTimeOffset(input.DeadlineUtc, TimeSpan.Zero);
        var token = await links.IssueOnboardingAsync(cohort.Id, participant.PersonId, deadline.AddDays(90), CancellationToken.None);
        await email.SendAsync(emails.Welcome(participant, cohort, programme, deadline, links.OnboardingLink(token)), CancellationToken.None);
        var now = time.GetUtcNow();
        await OnboardingRecords.UpdateAsync(store, input.CohortId, input.PersonId, c => c.WelcomeSentAt ??= now, CancellationToken.None);
        return ParticipantOutcome.Welcomed;
    }
}

/// <summary>Reminds a participant who has not finished (email key cohort + person, so once); false when nothing was due.</summary>
public sealed class SendOnboardingReminder(CohortStore store, CohortLinks links, CohortEmails emails, IEmailSender email, TimeProvider time) : TaskActivity<ParticipantOnboardingOrchestrator.Input, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ParticipantOnboardingOrchestrator.Input input)
    {
        var participant = await store.GetCandidateAsync(input.CohortId, input.PersonId, CancellationToken.None);
        var cohort = await store.GetCohortAsync(input.CohortId, CancellationToken.None);
        if (participant is not { Status: CandidateStatus.Onboarding } || cohort is null)
        {
            return false;
        }

        var programme = (await store.GetProgrammeAsync(cohort.ProgrammeId, CancellationToken.None))?.Name ?? "";
        var deadline = new DateTimeOffset(input.DeadlineUtc, TimeSpan.Zero);
        var token = await links.IssueOnboardingAsync(cohort.Id, participant.PersonId, deadline.AddDays(90), CancellationToken.None);
        await email.SendAsync(emails.Reminder(participant, cohort, programme, deadline, links.OnboardingLink(token)), CancellationToken.None);
        var now = time.GetUtcNow();
        await OnboardingRecords.UpdateAsync(store, input.CohortId, input.PersonId, c => c.RemindedAt ??= now, CancellationToken.None);
        return true;
    }
}

/// <summary>Past the deadline: tells the coordinator who is stuck and why (once per participant), unless the participant finished meanwhile.</summary>
public sealed class EscalateOnboarding(CohortStore store, PeopleStore people, CohortEmails emails, IEmailSender email, IAuditLog audit, TimeProvider time) : TaskActivity<ParticipantOnboardingOrchestrator.Input, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, ParticipantOnboardingOrchestrator.Input input)
    {
        var participant = await store.GetCandidateAsync(input.CohortId, input.PersonId, CancellationToken.None);
        var cohort = await store.GetCohortAsync(input.CohortId, CancellationToken.None);
        if (participant is null || cohort is null)
        {
            return ParticipantOutcome.Unreachable;
        }

        if (participant.Status != CandidateStatus.Onboarding)
        {
            return participant.Status == CandidateStatus.Onboarded ? ParticipantOutcome.Onboarded : ParticipantOutcome.Withdrawn;
        }

        if (await people.GetAsync(cohort.CoordinatorId, CancellationToken.None) is { } coordinator)
        {
            await email.SendAsync(emails.Escalation(participant, cohort, coordinator), CancellationToken.None);
        }

        var now = time.GetUtcNow();
        if (await OnboardingRecords.UpdateAsync(store, input.CohortId, input.PersonId, c => c.EscalatedAt ??= now, CancellationToken.None))
        {
            await audit.RecordAsync(new AuditRecord(CandidatePipeline.RecordType, input.CohortId + "/" + input.PersonId, "onboarding-escalated", After: new { missing = participant.Missing() }) { Actor = "system:cohort-onboarding" }, CancellationToken.None);
        }

        return ParticipantOutcome.Escalated;
    }
}

/// <summary>The coordinator's summary of a finished round (email key cohort + round).</summary>
public sealed class SendCoordinatorSummary(CohortStore store, PeopleStore people, CohortEmails emails, IEmailSender email) : TaskActivity<SendCoordinatorSummary.Input, bool>
{
    public sealed record Input(string CohortId, int Round, RoundProgress Progress);

    public override async Task<bool> RunAsync(TaskActivityContext context, Input input)
    {
        var cohort = await store.GetCohortAsync(input.CohortId, CancellationToken.None);
        if (cohort is null || await people.GetAsync(cohort.CoordinatorId, CancellationToken.None) is not { } coordinator)
        {
            return false;
        }

        await email.SendAsync(emails.Summary(cohort, coordinator, input.Progress), CancellationToken.None);
        return true;
    }
}

internal static class OnboardingRecords
{
    /// <summary>Applies a change to a participant record with its ETag, reading again after a conflict; false when the record is gone.</summary>
    public static Task<bool> UpdateAsync(CohortStore store, string cohortId, string personId, Action<CandidateEntity> change, CancellationToken cancellationToken) =>
        TableStore.RetryOnConflictAsync(
            async () =>
            {
                var row = await store.GetCandidateAsync(cohortId, personId, cancellationToken);
                if (row is null)
                {
                    return false;
                }

                change(row);
                await store.UpdateAsync(row, cancellationToken);
                return true;
            },
            cancellationToken);
}
