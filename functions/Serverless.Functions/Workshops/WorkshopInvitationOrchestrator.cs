using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Serverless.Functions.Workshops;

/// <summary>
/// An invitation campaign. The invitees are split into batches of at most 100, each run by an
/// <see cref="InviteeBatchOrchestrator"/> that starts one <see cref="InviteeOrchestrator"/> per
/// invitee, so no checkpoint schedules more than 100 sub-orchestrations and the completions of a
/// thousand invitees are absorbed by several instances in parallel instead of one. While the
/// batches run, the campaign refreshes its custom status {total, sent, registered, declined,
/// expired, bounced} from the invitation records, often at first and then less often (a campaign
/// lasts weeks); the final status is the sum of the batches' outcomes.
/// </summary>
public sealed class WorkshopInvitationOrchestrator : TaskOrchestrator<WorkshopInvitationOrchestrator.Input, CampaignProgress>
{
    public sealed record Input(string CampaignId, string SeriesId, IReadOnlyList<string> PersonIds, DateTime DeadlineUtc, DateTime? RemindAtUtc, int BatchSize, TimeSpan? FirstRefresh = null);

    public static string InstanceIdFor(string campaignId) => "workshop-campaign-" + campaignId;

    internal static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(1)));

    private static readonly TimeSpan MaxRefresh = TimeSpan.FromHours(1);

    public override async Task<CampaignProgress> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var total = input.PersonIds.Count;
        context.SetCustomStatus(new CampaignProgress(total, 0, 0, 0, 0, 0));

        var batches = input.PersonIds.Chunk(Math.Clamp(input.BatchSize, 1, 100))
            .Select((chunk, i) => context.CallSubOrchestratorAsync<CampaignProgress>(
                nameof(InviteeBatchOrchestrator),
                new InviteeBatchOrchestrator.Input(input.CampaignId, input.SeriesId, chunk, input.DeadlineUtc, input.RemindAtUtc),
                new SubOrchestrationOptions(instanceId: $"{context.InstanceId}-b{i}")))
            .ToList();
        var all = Task.WhenAll(batches);

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

            context.SetCustomStatus(await context.CallActivityAsync<CampaignProgress>(nameof(CountInvitations), input.CampaignId, Retry));
            delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * 1.5), MaxRefresh.Ticks));
        }

        var results = await all;
        var final = results.Aggregate(new CampaignProgress(0, 0, 0, 0, 0, 0), (a, b) => a + b) with { Total = total };
        context.SetCustomStatus(final);
        return final;
    }
}

/// <summary>Up to 100 invitees of a campaign: one <see cref="InviteeOrchestrator"/> each, all scheduled in one checkpoint.</summary>
public sealed class InviteeBatchOrchestrator : TaskOrchestrator<InviteeBatchOrchestrator.Input, CampaignProgress>
{
    public sealed record Input(string CampaignId, string SeriesId, IReadOnlyList<string> PersonIds, DateTime DeadlineUtc, DateTime? RemindAtUtc);

    public override async Task<CampaignProgress> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var children = input.PersonIds.Select(personId => InviteAsync(context, input, personId)).ToList();
        var outcomes = await Task.WhenAll(children);
        var silent = outcomes.Where(o => o.Status == InvitationStatus.Expired).Select(o => o.PersonId).ToList();
        if (silent.Count > 0)
        {
            // An answer that raced the deadline wins: the activity expires only open invitations and reports the final statuses.
            var finals = await context.CallActivityAsync<Dictionary<string, string>>(nameof(ExpireInvitations), new ExpireInvitations.Input(input.CampaignId, silent), WorkshopInvitationOrchestrator.Retry);
            outcomes = [.. outcomes.Select(o => finals.TryGetValue(o.PersonId, out var final) ? o with { Status = final } : o)];
        }

        var progress = CampaignProgress.From(outcomes.Length, outcomes.Count(o => o.Sent), outcomes.Select(o => o.Status));
        context.SetCustomStatus(progress);
        return progress;
    }

    private static async Task<InviteeOutcome> InviteAsync(TaskOrchestrationContext context, Input input, string personId)
    {
        try
        {
            return await context.CallSubOrchestratorAsync<InviteeOutcome>(
                nameof(InviteeOrchestrator),
                new InviteeOrchestrator.Input(input.CampaignId, input.SeriesId, personId, input.DeadlineUtc, input.RemindAtUtc),
                new SubOrchestrationOptions(instanceId: InviteeOrchestrator.InstanceIdFor(input.CampaignId, personId)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A failed invitee (retries exhausted) counts as a bounce, not as a failed campaign.
            return new InviteeOutcome(personId, InvitationStatus.Bounced, false);
        }
    }
}

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

/// <summary>How one invitation ended.</summary>
public sealed record InviteeOutcome(string PersonId, string Status, bool Sent);
