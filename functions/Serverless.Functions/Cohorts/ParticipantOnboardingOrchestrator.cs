using Microsoft.DurableTask;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.Cohorts;

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
        "cohort-participant-" + OrchestrationSteps.InstanceKey(cohortId + "|" + personId, 32);

    public override async Task<string> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var welcome = await context.CallActivityAsync<string>(nameof(SendCohortWelcome), input, OrchestrationSteps.Retry);
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
                await context.CallActivityAsync<bool>(nameof(SendOnboardingReminder), input, OrchestrationSteps.Retry);
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
                return await context.CallActivityAsync<string>(nameof(EscalateOnboarding), input, OrchestrationSteps.Retry);
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
