using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;

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
        "workshop-offer-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seriesId + "|" + personId)))[..24] + "-" + offerId;

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
        return await context.CallActivityAsync<bool>(nameof(LapseWaitlistOffer), input, WorkshopInvitationOrchestrator.Retry) ? "lapsed" : "answered";
    }
}

/// <summary>Sends the reminder to a session's registrants at the set time before it starts.</summary>
public sealed class SessionReminderOrchestrator : TaskOrchestrator<SessionReminderOrchestrator.Input, int>
{
    public sealed record Input(string SeriesId, string SessionId, DateTime StartUtc, DateTime RemindAtUtc);

    public static string InstanceIdFor(string seriesId, string sessionId, DateTimeOffset startUtc) =>
        "workshop-reminder-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seriesId + "|" + sessionId)))[..24] + "-" + startUtc.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override async Task<int> RunAsync(TaskOrchestrationContext context, Input input)
    {
        if (input.RemindAtUtc > context.CurrentUtcDateTime)
        {
            await context.CreateTimer(input.RemindAtUtc, CancellationToken.None);
        }

        return await context.CallActivityAsync<int>(nameof(SendSessionReminders), input, WorkshopInvitationOrchestrator.Retry);
    }
}
