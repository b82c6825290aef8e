using Microsoft.DurableTask;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// One onboarding round of a cohort: the participants taken in by that start (their records
/// carry the round number) each get a <see cref="ParticipantOnboardingOrchestrator"/>, started by
/// an activity under an id from cohort and person (not as sub-orchestrations: the round does not
/// need their histories, and the records say how each one ended). The round then refreshes its
/// custom status from the records, often at first and then less often, until every participant
/// has an outcome (onboarded, escalated, withdrawn or unreachable) or an hour after the deadline
/// has passed; then the coordinator gets a summary. A later start with late participants is a
/// new round, so nobody is taken in twice.
/// </summary>
public sealed class CohortOnboardingOrchestrator : TaskOrchestrator<CohortOnboardingOrchestrator.Input, RoundProgress>
{
    public sealed record Input(string CohortId, int Round, DateTime DeadlineUtc, DateTime? RemindAtUtc, TimeSpan? FirstRefresh = null);

    public static string InstanceIdFor(string cohortId, int round) =>
        "cohort-onboarding-" + OrchestrationSteps.InstanceKey(cohortId, 24) + "-r" + round.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly TimeSpan MaxRefresh = TimeSpan.FromHours(1);

    /// <summary>How long after the deadline the round waits for participants whose steps failed to be counted.</summary>
    private static readonly TimeSpan GraceAfterDeadline = TimeSpan.FromHours(1);

    public override async Task<RoundProgress> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var round = new ListRoundParticipants.Input(input.CohortId, input.Round);
        var personIds = await context.CallActivityAsync<List<string>>(nameof(ListRoundParticipants), round, OrchestrationSteps.Retry);
        var progress = new RoundProgress(input.Round, personIds.Count, 0, 0, 0, 0);
        context.SetCustomStatus(progress);
        if (personIds.Count > 0)
        {
            await context.CallActivityAsync<int>(nameof(StartParticipantOnboardings), new StartParticipantOnboardings.Input(input, personIds), OrchestrationSteps.Retry);
        }

        var delay = input.FirstRefresh ?? TimeSpan.FromSeconds(2);
        var giveUpAt = input.DeadlineUtc + GraceAfterDeadline;
        while (progress.Finished < progress.Total && context.CurrentUtcDateTime < giveUpAt)
        {
            // Never sleep past the deadline: the escalations land right after it, and the summary should follow them.
            var next = context.CurrentUtcDateTime.Add(delay);
            if (context.CurrentUtcDateTime < input.DeadlineUtc && next > input.DeadlineUtc)
            {
                next = input.DeadlineUtc.AddSeconds(2);
            }

            await context.CreateTimer(next, CancellationToken.None);
            progress = await context.CallActivityAsync<RoundProgress>(nameof(CountRoundProgress), round, OrchestrationSteps.Retry);
            context.SetCustomStatus(progress);
            delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * 1.5), MaxRefresh.Ticks));
        }

        if (progress.Total > 0)
        {
            await context.CallActivityAsync<bool>(nameof(SendCoordinatorSummary), new SendCoordinatorSummary.Input(input.CohortId, input.Round, progress), OrchestrationSteps.Retry);
        }

        return progress;
    }
}

/// <summary>A round's counts (custom status and output).</summary>
public sealed record RoundProgress(int Round, int Total, int Onboarded, int Escalated, int Withdrawn, int Unreachable)
{
    /// <summary>Participants with an outcome.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Finished => Onboarded + Escalated + Withdrawn + Unreachable;
}
