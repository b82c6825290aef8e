using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// One onboarding round of a cohort: the participants taken in by that start (their records
/// carry the round number) each get a <see cref="ParticipantOnboardingOrchestrator"/>. While they
/// run, the round refreshes its custom status from the records (often at first, then less
/// often); when all are done the coordinator gets a summary. A later start with late
/// participants is a new round, so nobody is taken in twice.
/// </summary>
public sealed class CohortOnboardingOrchestrator : TaskOrchestrator<CohortOnboardingOrchestrator.Input, RoundProgress>
{
    public sealed record Input(string CohortId, int Round, DateTime DeadlineUtc, DateTime? RemindAtUtc, TimeSpan? FirstRefresh = null);

    public static string InstanceIdFor(string cohortId, int round) =>
        "cohort-onboarding-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cohortId)))[..24] + "-r" + round.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(1)));

    private static readonly TimeSpan MaxRefresh = TimeSpan.FromHours(1);

    public override async Task<RoundProgress> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var personIds = await context.CallActivityAsync<List<string>>(nameof(ListRoundParticipants), new ListRoundParticipants.Input(input.CohortId, input.Round), Retry);
        context.SetCustomStatus(new RoundProgress(input.Round, personIds.Count, 0, 0, 0, 0));

        var children = personIds.Select(personId => OnboardAsync(context, input, personId)).ToList();
        var all = Task.WhenAll(children);
        var delay = input.FirstRefresh ?? TimeSpan.FromSeconds(2);
        while (!all.IsCompleted)
        {
            using var timerCts = new CancellationTokenSource();
            var timer = context.CreateTimer(context.CurrentUtcDateTime.Add(delay), timerCts.Token);
            if (await Task.WhenAny(all, timer) == all)
            {
                timerCts.Cancel();
                break;
            }

            context.SetCustomStatus(await context.CallActivityAsync<RoundProgress>(nameof(CountRoundProgress), new ListRoundParticipants.Input(input.CohortId, input.Round), Retry));
            delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * 1.5), MaxRefresh.Ticks));
        }

        var outcomes = await all;
        var final = RoundProgress.From(input.Round, outcomes);
        context.SetCustomStatus(final);
        if (final.Total > 0)
        {
            await context.CallActivityAsync(nameof(SendCoordinatorSummary), new SendCoordinatorSummary.Input(input.CohortId, input.Round, final), Retry);
        }

        return final;
    }

    private static async Task<string> OnboardAsync(TaskOrchestrationContext context, Input input, string personId)
    {
        try
        {
            return await context.CallSubOrchestratorAsync<string>(
                nameof(ParticipantOnboardingOrchestrator),
                new ParticipantOnboardingOrchestrator.Input(input.CohortId, personId, input.DeadlineUtc, input.RemindAtUtc),
                new SubOrchestrationOptions(instanceId: ParticipantOnboardingOrchestrator.InstanceIdFor(input.CohortId, personId)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A participant whose steps failed after every retry is reported as unreachable, not as a failed round.
            return ParticipantOutcome.Unreachable;
        }
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
    public static RoundProgress From(int round, IReadOnlyCollection<string> outcomes) => new(
        round,
        outcomes.Count,
        outcomes.Count(o => o == ParticipantOutcome.Onboarded),
        outcomes.Count(o => o == ParticipantOutcome.Escalated),
        outcomes.Count(o => o == ParticipantOutcome.Withdrawn),
        outcomes.Count(o => o == ParticipantOutcome.Unreachable));
}
