using Microsoft.DurableTask;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.Workshops;

/// <summary>
/// Holds a seat offered to the next person on the waitlist until they confirm it or the offer
/// lapses; a lapsed offer passes to the next person (a new instance of this orchestrator).
/// </summary>
public sealed class WaitlistOfferOrchestrator : TaskOrchestrator<WaitlistOfferOrchestrator.Input, string>
{
    public const string AnsweredEvent = "OfferAnswered";

    public sealed record Input(string SeriesId, string PersonId, string OfferId, DateTime ExpiresAtUtc);

    public static string InstanceIdFor(string seriesId, string personId, string offerId) =>
        "workshop-offer-" + OrchestrationSteps.InstanceKey(seriesId + "|" + personId, 24) + "-" + offerId;

    public override async Task<string> RunAsync(TaskOrchestrationContext context, Input input)
    {
        using var answerCts = new CancellationTokenSource();
        using var timerCts = new CancellationTokenSource();
        var answered = context.WaitForExternalEvent<string>(AnsweredEvent, answerCts.Token);
        var lapse = context.CreateTimer(input.ExpiresAtUtc, timerCts.Token);
        if (await Task.WhenAny(answered, lapse) == answered)
        {
            timerCts.Cancel();
            return await answered;
        }

        answerCts.Cancel();
        return await context.CallActivityAsync<bool>(nameof(LapseWaitlistOffer), input, OrchestrationSteps.Retry) ? "lapsed" : "answered";
    }
}
