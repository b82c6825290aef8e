using Microsoft.DurableTask;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.Nominations;

/// <summary>
/// The review of one nomination. Assigns reviewers (least loaded, no conflicts) and emails each a
/// personal link; then waits for answers, racing them against three durable timers: the
/// reminder before the deadline, the response window of the earliest silent reviewer (who is
/// then replaced), and the deadline. A decline or a declared conflict wakes it too and the
/// reviewer is replaced at once. When enough reviews are in or the deadline passes, the
/// weighted score is computed and strong disagreement flagged. Timers are durable, so a window
/// or deadline that passes while the host is down fires when it is back.
/// </summary>
public sealed class NominationReviewOrchestrator : TaskOrchestrator<NominationReviewOrchestrator.Input, ReviewOutcome>
{
    public const string AnsweredEvent = "ReviewAnswered";

    public sealed record Input(string CallId, string NominationId, DateTime DeadlineUtc, DateTime? RemindAtUtc);

    public static string InstanceIdFor(string callId, string nominationId) =>
        "nomination-review-" + OrchestrationSteps.InstanceKey(callId + "|" + nominationId, 32);

    public override async Task<ReviewOutcome> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var key = new ReviewKey(input.CallId, input.NominationId);
        var state = await context.CallActivityAsync<ReviewState>(nameof(AssignNominationReviewers), key, OrchestrationSteps.Retry);
        var reminded = false;
        while (!state.Complete && context.CurrentUtcDateTime < input.DeadlineUtc)
        {
            context.SetCustomStatus(state);
            var nextSilence = state.PendingRespondBy.Where(t => t < input.DeadlineUtc).DefaultIfEmpty(input.DeadlineUtc).Min();
            DateTime? remind = !reminded && input.RemindAtUtc is { } r && r < input.DeadlineUtc ? r : null;
            var wake = remind is { } at && at < nextSilence ? at : nextSilence;

            using var answerCts = new CancellationTokenSource();
            using var timerCts = new CancellationTokenSource();
            var answered = context.WaitForExternalEvent<string>(AnsweredEvent, answerCts.Token);
            var timer = context.CreateTimer(wake, timerCts.Token);
            if (await Task.WhenAny(answered, timer) == answered)
            {
                timerCts.Cancel();
                state = await context.CallActivityAsync<ReviewState>(nameof(AssignNominationReviewers), key, OrchestrationSteps.Retry);
                continue;
            }

            answerCts.Cancel();
            if (remind == wake)
            {
                await context.CallActivityAsync<int>(nameof(SendNominationReviewReminders), key, OrchestrationSteps.Retry);
                reminded = true;
            }

            if (wake >= input.DeadlineUtc)
            {
                break;
            }

            if (nextSilence <= wake)
            {
                await context.CallActivityAsync<int>(nameof(ReplaceSilentReviewers), new ReplaceSilentReviewers.Input(input.CallId, input.NominationId, wake), OrchestrationSteps.Retry);
                state = await context.CallActivityAsync<ReviewState>(nameof(AssignNominationReviewers), key, OrchestrationSteps.Retry);
            }
        }

        var outcome = await context.CallActivityAsync<ReviewOutcome>(nameof(CompleteNominationReview), key, OrchestrationSteps.Retry);
        context.SetCustomStatus(outcome);
        return outcome;
    }
}

public sealed record ReviewKey(string CallId, string NominationId);

/// <summary>Where a nomination's review stands: reviews in, reviewers asked, and when each silent one is due.</summary>
public sealed record ReviewState(int Submitted, int Needed, IReadOnlyList<DateTime> PendingRespondBy, bool Complete);

public sealed record ReviewOutcome(double? Score, int Reviews, bool Disagreement);
