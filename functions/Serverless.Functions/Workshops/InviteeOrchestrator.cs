using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Serverless.Functions.Workshops;

/// <summary>
/// One invitee: sends the personal invitation, then waits for the answer (raised by the
/// registration or decline endpoint). If nobody answers, a reminder timer fires N days before
/// the deadline; at the deadline the invitee ends as expired (its batch marks the records).
/// Each timer races the "answered" event and the loser is cancelled.
/// </summary>
public sealed class InviteeOrchestrator : TaskOrchestrator<InviteeOrchestrator.Input, InviteeOutcome>
{
    public const string AnsweredEvent = "InvitationAnswered";

    public sealed record Input(string CampaignId, string SeriesId, string PersonId, DateTime DeadlineUtc, DateTime? RemindAtUtc);

    /// <summary>Deterministic, so a restarted campaign finds its children again; hashed to stay within the 100-character limit.</summary>
    public static string InstanceIdFor(string campaignId, string personId) =>
        "workshop-invitee-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(campaignId + "|" + personId)))[..32];

    public override async Task<InviteeOutcome> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var status = await context.CallActivityAsync<string>(nameof(SendWorkshopInvitation), input, WorkshopInvitationOrchestrator.Retry);
        if (status != InvitationStatus.Sent)
        {
            return new InviteeOutcome(input.PersonId, status, false);
        }

        using var answerCts = new CancellationTokenSource();
        var answered = context.WaitForExternalEvent<string>(AnsweredEvent, answerCts.Token);

        if (input.RemindAtUtc is { } remindAt && remindAt > context.CurrentUtcDateTime && remindAt < input.DeadlineUtc)
        {
            using var reminderCts = new CancellationTokenSource();
            var reminder = context.CreateTimer(remindAt, reminderCts.Token);
            if (await Task.WhenAny(answered, reminder) == reminder)
            {
                await context.CallActivityAsync(nameof(SendInvitationReminder), input, WorkshopInvitationOrchestrator.Retry);
            }
            else
            {
                reminderCts.Cancel();
            }
        }

        if (!answered.IsCompleted)
        {
            using var deadlineCts = new CancellationTokenSource();
            var deadline = context.CreateTimer(input.DeadlineUtc, deadlineCts.Token);
            if (await Task.WhenAny(answered, deadline) == deadline)
            {
                answerCts.Cancel();

                // The batch expires the records of all its silent invitees in one activity.
                return new InviteeOutcome(input.PersonId, InvitationStatus.Expired, true);
            }

            deadlineCts.Cancel();
        }

        return new InviteeOutcome(input.PersonId, await answered, true);
    }
}

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
