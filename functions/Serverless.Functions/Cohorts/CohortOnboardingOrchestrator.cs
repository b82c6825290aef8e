using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;

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
        "cohort-onboarding-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cohortId)))[..24] + "-r" + round.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(1)));

    private static readonly TimeSpan MaxRefresh = TimeSpan.FromHours(1);

    /// <summary>How long after the deadline the round waits for participants whose steps failed to be counted.</summary>
    private static readonly TimeSpan GraceAfterDeadline = TimeSpan.FromHours(1);

    public override async Task<RoundProgress> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var round = new ListRoundParticipants.Input(input.CohortId, input.Round);
        var personIds = await context.CallActivityAsync<List<string>>(nameof(ListRoundParticipants), round, Retry);
        var progress = new RoundProgress(input.Round, personIds.Count, 0, 0, 0, 0);
        context.SetCustomStatus(progress);
        if (personIds.Count > 0)
        {
            await context.CallActivityAsync<int>(nameof(StartParticipantOnboardings), new StartParticipantOnboardings.Input(input, personIds), Retry);
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
            progress = await context.CallActivityAsync<RoundProgress>(nameof(CountRoundProgress), round, Retry);
            context.SetCustomStatus(progress);
            delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * 1.5), MaxRefresh.Ticks));
        }

        if (progress.Total > 0)
        {
            await context.CallActivityAsync<bool>(nameof(SendCoordinatorSummary), new SendCoordinatorSummary.Input(input.CohortId, input.Round, progress), Retry);
        }

        return progress;
    }
}

/// <summary>
/// One participant: the welcome email with the personal link, then a wait for the onboarding
/// to be completed (profile, consent, management challenge; raised by the onboarding page) that
/// races a reminder timer and then a deadline timer; past the deadline the coordinator is told.
/// Its instance id is derived from cohort and person, so a participant has one onboarding.
/// </summary>
public sealed class ParticipantOnboardingOrchestrator : TaskOrchestrator<ParticipantOnboardingOrchestrator.Input, string>
{
    public const string DoneEvent = "OnboardingDone";

    public sealed record Input(string CohortId, string PersonId, DateTime DeadlineUtc, DateTime? RemindAtUtc);

    public static string InstanceIdFor(string cohortId, string personId) =>
        "cohort-participant-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cohortId + "|" + personId)))[..32];

    public override async Task<string> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var welcome = await context.CallActivityAsync<string>(nameof(SendCohortWelcome), input, CohortOnboardingOrchestrator.Retry);
        if (welcome != ParticipantOutcome.Welcomed)
        {
            return welcome;
        }

        using var doneCts = new CancellationTokenSource();
        var done = context.WaitForExternalEvent<string>(DoneEvent, doneCts.Token);

        if (input.RemindAtUtc is { } remindAt && remindAt > context.CurrentUtcDateTime && remindAt < input.DeadlineUtc)
        {
            using var reminderCts = new CancellationTokenSource();
            var reminder = context.CreateTimer(remindAt, reminderCts.Token);
            if (await Task.WhenAny(done, reminder) == reminder)
            {
                await context.CallActivityAsync<bool>(nameof(SendOnboardingReminder), input, CohortOnboardingOrchestrator.Retry);
            }
            else
            {
                reminderCts.Cancel();
            }
        }

        if (!done.IsCompleted)
        {
            using var deadlineCts = new CancellationTokenSource();
            var deadline = context.CreateTimer(input.DeadlineUtc, deadlineCts.Token);
            if (await Task.WhenAny(done, deadline) == deadline)
            {
                doneCts.Cancel();

                // Finished in the meantime without the event arriving first: the record decides.
                return await context.CallActivityAsync<string>(nameof(EscalateOnboarding), input, CohortOnboardingOrchestrator.Retry);
            }

            deadlineCts.Cancel();
        }

        return await done;
    }
}

public static class ParticipantOutcome
{
    public const string Welcomed = "welcomed";
    public const string Onboarded = "onboarded";
    public const string Escalated = "escalated";
    public const string Withdrawn = "withdrawn";
    public const string Unreachable = "unreachable";
}

/// <summary>A round's counts (custom status and output).</summary>
public sealed record RoundProgress(int Round, int Total, int Onboarded, int Escalated, int Withdrawn, int Unreachable)
{
    /// <summary>Participants with an outcome.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Finished => Onboarded + Escalated + Withdrawn + Unreachable;
}
