using Microsoft.DurableTask;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.Workshops;

/// <summary>
/// An invitation campaign, as one orchestration: the invitations go out in batches of at most
/// 100 invitees, one activity each, all scheduled at once (the custom status counts them as the
/// batches finish); then a durable timer waits for the reminder, which goes in batches to those
/// who have not answered, and another for the deadline, when the invitations nobody answered
/// expire. Answers need no event: registering or declining writes the invitation record, and the
/// reminder and expiry activities read the records. The history stays small (a few events per
/// batch) however long the campaign runs; the final status is counted from the records.
/// </summary>
public sealed class WorkshopInvitationOrchestrator : TaskOrchestrator<WorkshopInvitationOrchestrator.Input, CampaignProgress>
{
    public sealed record Input(string CampaignId, string SeriesId, IReadOnlyList<string> PersonIds, DateTime DeadlineUtc, DateTime? RemindAtUtc, int BatchSize);

    /// <summary>One batch of a campaign's invitees: what the batch activities take.</summary>
    public sealed record Batch(string CampaignId, string SeriesId, IReadOnlyList<string> PersonIds, DateTime DeadlineUtc);

    public static string InstanceIdFor(string campaignId) => "workshop-campaign-" + campaignId;

    public override async Task<CampaignProgress> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var total = input.PersonIds.Count;
        var batches = input.PersonIds.Chunk(Math.Clamp(input.BatchSize, 1, 100))
            .Select(chunk => new Batch(input.CampaignId, input.SeriesId, chunk, input.DeadlineUtc))
            .ToList();

        await context.WhenAllReportingAsync(
            batches.Select(b => context.CallActivityAsync<BatchOutcome>(nameof(SendWorkshopInvitations), b, OrchestrationSteps.Retry)).ToList(),
            new CampaignProgress(total, 0, 0, 0, 0, 0),
            (progress, outcome) => progress with { Sent = progress.Sent + outcome.Sent, Bounced = progress.Bounced + outcome.Bounced });

        if (input.RemindAtUtc is { } remindAt && remindAt > context.CurrentUtcDateTime && remindAt < input.DeadlineUtc)
        {
            await context.CreateTimer(remindAt, CancellationToken.None);
            await Task.WhenAll(batches.Select(b => context.CallActivityAsync<int>(nameof(SendInvitationReminders), b, OrchestrationSteps.Retry)));
            context.SetCustomStatus(await context.CallActivityAsync<CampaignProgress>(nameof(CountInvitations), input.CampaignId, OrchestrationSteps.Retry));
        }

        if (input.DeadlineUtc > context.CurrentUtcDateTime)
        {
            await context.CreateTimer(input.DeadlineUtc, CancellationToken.None);
        }

        // An answer that raced the deadline wins: the activity expires only open invitations.
        await Task.WhenAll(batches.Select(b => context.CallActivityAsync<int>(nameof(ExpireInvitations), b, OrchestrationSteps.Retry)));
        var final = await context.CallActivityAsync<CampaignProgress>(nameof(CountInvitations), input.CampaignId, OrchestrationSteps.Retry);
        context.SetCustomStatus(final);
        return final;
    }
}

/// <summary>What a batch of invitations came to: sent, or bounced (no usable address, the series gone).</summary>
public sealed record BatchOutcome(int Sent, int Bounced);

/// <summary>The campaign's counts (the orchestration's custom status and output).</summary>
public sealed record CampaignProgress(int Total, int Sent, int Registered, int Declined, int Expired, int Bounced)
{
    public static CampaignProgress From(int total, int sent, IEnumerable<string> outcomes)
    {
        var list = outcomes as ICollection<string> ?? outcomes.ToList();
        return new CampaignProgress(
            total,
            sent,
            list.Count(s => s == InvitationStatus.Registered),
            list.Count(s => s == InvitationStatus.Declined),
            list.Count(s => s == InvitationStatus.Expired),
            list.Count(s => s == InvitationStatus.Bounced));
    }

    public static CampaignProgress operator +(CampaignProgress a, CampaignProgress b) => new(
        a.Total + b.Total, a.Sent + b.Sent, a.Registered + b.Registered, a.Declined + b.Declined, a.Expired + b.Expired, a.Bounced + b.Bounced);
}
