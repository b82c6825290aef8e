using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Nominations;

/// <summary>
/// The TRADE tracking's reads and writes: project rows changed with their ETag (re-read on a
/// conflict), emails with keys naming the project, stage and report, and personal links for the
/// report form and the gate.
/// </summary>
public sealed class TradeTracker(
    NominationStore store,
    PeopleStore people,
    ActionTokens tokens,
    NominationEmails emails,
    IEmailSender email,
    IAuditLog audit,
    IOptions<AuthOptions> auth,
    TimeProvider time)
{
    public const string ReportPurpose = "trade-report";
    public const string GatePurpose = "trade-gate";

    public static string ReportSubject(string projectId, int stage, int index) => FormattableString.Invariant($"{projectId}|{stage}|{index}");

    public static string GateSubject(string projectId, int stage) => FormattableString.Invariant($"{projectId}|{stage}");

    public Task<ProjectEntity?> GetAsync(string projectId, CancellationToken ct) =>
        TableStore.IsValidKey(projectId) ? store.GetAsync<ProjectEntity>(ProjectEntity.Partition, projectId, ct) : Task.FromResult<ProjectEntity?>(null);

    /// <summary>Applies a change to the project row until it commits; false when the project is gone.</summary>
    public Task<bool> ChangeAsync(string projectId, Func<ProjectEntity, bool> change, CancellationToken ct) =>
        TableStore.RetryOnConflictAsync(
            async () =>
            {
                var project = await GetAsync(projectId, ct);
                if (project is null || !change(project))
                {
                    return false;
                }

                project.UpdatedAt = time.GetUtcNow();
                await store.UpdateAsync(project, ct);
                return true;
            },
            ct);

    public async Task SendReportLinkAsync(TradeStep step, bool reminder, CancellationToken ct)
    {
        var project = await GetAsync(step.ProjectId, ct);
        if (project is null || await people.GetAsync(project.TeamLeadId, ct) is not { } lead)
        {
            return;
        }

        var due = step.DueUtc is { } d ? new DateTimeOffset(d, TimeSpan.Zero) : time.GetUtcNow();
        var token = await tokens.IssueAsync(ReportPurpose, ReportSubject(project.Id, step.Stage, step.Index), Lifetime(due + TimeSpan.FromDays(60)), ct);
        var key = FormattableString.Invariant($"trade-report/{project.Id}/{step.Stage}/{step.Index}") + (reminder ? "/reminder" : "");
        await email.SendAsync(
            emails.Trade(key, new NominationEmails.Recipient(lead.Email, lead.Name, lead.PreferredLanguage), reminder ? "email.trade.reportReminder" : "email.trade.report", project.Title, step.Stage, due, "email.trade.report.action", auth.Value.Link("/nominations/report#token=" + token)),
            ct);
    }

    public async Task SendGateLinkAsync(TradeStep step, CancellationToken ct)
    {
        var project = await GetAsync(step.ProjectId, ct);
        if (project is null || await people.GetAsync(project.GateApproverId, ct) is not { } approver)
        {
            return;
        }

        var token = await tokens.IssueAsync(GatePurpose, GateSubject(project.Id, step.Stage), TimeSpan.FromDays(90), ct);
        await email.SendAsync(
            emails.Trade(FormattableString.Invariant($"trade-gate/{project.Id}/{step.Stage}/{step.Index}"), new NominationEmails.Recipient(approver.Email, approver.Name, approver.PreferredLanguage), "email.trade.gate", project.Title, step.Stage, null, "email.trade.gate.action", auth.Value.Link("/nominations/gate#token=" + token)),
            ct);
    }

    public Task RecordAsync(string projectId, string action, object? after, CancellationToken ct) =>
        audit.RecordAsync(new AuditRecord("trade-project", projectId, action, After: after) { Actor = "system" }, ct);

    private TimeSpan Lifetime(DateTimeOffset until)
    {
        var lifetime = until - time.GetUtcNow();
        return lifetime > TimeSpan.FromMinutes(5) ? lifetime : TimeSpan.FromMinutes(5);
    }
}

/// <summary>Opens a stage (or, with stage 5, marks the project completed).</summary>
public sealed class StartTradeStage(TradeTracker tracker, TimeProvider time) : TaskActivity<TradeStep, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TradeStep input)
    {
        var changed = await tracker.ChangeAsync(
            input.ProjectId,
            p =>
            {
                if (p.Stage > input.Stage || (p.Stage == input.Stage && p.StageStartedAt != default))
                {
                    return false;
                }

                p.Stage = input.Stage;
                p.StageStartedAt = time.GetUtcNow();
                p.GatePending = false;
                p.ReportIndex = -1;
                p.ReportDue = null;
                p.ReportOverdue = false;
                return true;
            },
            CancellationToken.None);
        if (changed)
        {
            await tracker.RecordAsync(input.ProjectId, "stage-started", new { stage = TradeStages.Name(input.Stage) }, CancellationToken.None);
        }

        return changed;
    }
}

/// <summary>Asks the team lead for the stage's next progress report (a personal link to the form).</summary>
public sealed class RequestProgressReport(TradeTracker tracker) : TaskActivity<TradeStep, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TradeStep input)
    {
        await tracker.ChangeAsync(
            input.ProjectId,
            p =>
            {
                if (p.ReportIndex == input.Index && p.Stage == input.Stage)
                {
                    return false;
                }

                p.ReportIndex = input.Index;
                p.ReportDue = input.DueUtc is { } due ? new DateTimeOffset(due, TimeSpan.Zero) : null;
                p.ReportOverdue = false;
                return true;
            },
            CancellationToken.None);
        await tracker.SendReportLinkAsync(input, reminder: false, CancellationToken.None);
        return true;
    }
}

public sealed class SendProgressReportReminder(TradeTracker tracker) : TaskActivity<TradeStep, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TradeStep input)
    {
        await tracker.SendReportLinkAsync(input, reminder: true, CancellationToken.None);
        return true;
    }
}

/// <summary>Flags the report as overdue on the board (cleared when it arrives).</summary>
public sealed class MarkProgressReportOverdue(TradeTracker tracker, NominationStore store) : TaskActivity<TradeStep, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TradeStep input)
    {
        // A report that raced the timer wins.
        if (await store.GetAsync<ProgressReportEntity>(ProgressReportEntity.PartitionFor(input.ProjectId), ProgressReportEntity.RowFor(input.Stage, input.Index), CancellationToken.None) is not null)
        {
            return false;
        }

        var changed = await tracker.ChangeAsync(
            input.ProjectId,
            p =>
            {
                if (p.Stage != input.Stage || p.ReportIndex != input.Index || p.ReportOverdue)
                {
                    return false;
                }

                p.ReportOverdue = true;
                return true;
            },
            CancellationToken.None);
        if (changed)
        {
            await tracker.RecordAsync(input.ProjectId, "report-overdue", new { stage = TradeStages.Name(input.Stage), input.Index }, CancellationToken.None);
        }

        return changed;
    }
}

/// <summary>Marks the gate pending and emails the approver the personal gate link.</summary>
public sealed class RequestStageGate(TradeTracker tracker) : TaskActivity<TradeStep, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TradeStep input)
    {
        await tracker.ChangeAsync(
            input.ProjectId,
            p =>
            {
                if (p.Stage != input.Stage || p.GatePending)
                {
                    return false;
                }

                p.GatePending = true;
                return true;
            },
            CancellationToken.None);
        await tracker.SendGateLinkAsync(input, CancellationToken.None);
        return true;
    }
}
