using Microsoft.DurableTask;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.Nominations;

/// <summary>
/// A selected project through the five TRADE stages. In each stage the team lead is asked for a
/// progress report on a schedule (a personal link to the report form), reminded before it is
/// due and flagged overdue when it is late; a report that says the stage is done asks the gate
/// approver, through an emailed action, to open the next stage. A rejected gate keeps the stage
/// running with the next report. Every wait is a durable timer or an external event.
/// </summary>
public sealed class TradeProjectOrchestrator : TaskOrchestrator<TradeProjectOrchestrator.Input, int>
{
    public const string ReportEventName = "ProgressReported";
    public const string GateEventName = "GateDecided";

    public sealed record Input(string ProjectId, TimeSpan ReportInterval, TimeSpan ReminderBefore);

    public static string InstanceIdFor(string projectId) => "trade-project-" + projectId;

    public override async Task<int> RunAsync(TaskOrchestrationContext context, Input input)
    {
        var retry = OrchestrationSteps.Retry;
        for (var stage = 0; stage < TradeStages.Completed; stage++)
        {
            await context.CallActivityAsync<bool>(nameof(StartTradeStage), new TradeStep(input.ProjectId, stage, -1, null), retry);
            for (var index = 0; ; index++)
            {
                var due = context.CurrentUtcDateTime.Add(input.ReportInterval);
                await context.CallActivityAsync<bool>(nameof(RequestProgressReport), new TradeStep(input.ProjectId, stage, index, due), retry);

                using var reportCts = new CancellationTokenSource();
                var report = context.WaitForExternalEvent<ReportEvent>(ReportEventName, reportCts.Token);
                var remindAt = due - input.ReminderBefore;
                if (remindAt > context.CurrentUtcDateTime && await RaceAsync(context, report, remindAt) == false)
                {
                    await context.CallActivityAsync<bool>(nameof(SendProgressReportReminder), new TradeStep(input.ProjectId, stage, index, due), retry);
                }

                if (!report.IsCompleted && await RaceAsync(context, report, due) == false)
                {
                    await context.CallActivityAsync<bool>(nameof(MarkProgressReportOverdue), new TradeStep(input.ProjectId, stage, index, due), retry);
                }

                // A late report still counts: the stage waits for it as long as it takes.
                var reported = await report;
                if (!reported.ReadyForGate)
                {
                    continue;
                }

                await context.CallActivityAsync<bool>(nameof(RequestStageGate), new TradeStep(input.ProjectId, stage, index, null), retry);
                if (await context.WaitForExternalEvent<bool>(GateEventName))
                {
                    break;
                }
            }
        }

        await context.CallActivityAsync<bool>(nameof(StartTradeStage), new TradeStep(input.ProjectId, TradeStages.Completed, -1, null), retry);
        return TradeStages.Completed;
    }

    /// <summary>True when the event came first; false when the timer fired (the loser is cancelled).</summary>
    private static async Task<bool> RaceAsync(TaskOrchestrationContext context, Task<ReportEvent> report, DateTime fireAt)
    {
        using var timerCts = new CancellationTokenSource();
        var timer = context.CreateTimer(fireAt, timerCts.Token);
        if (await Task.WhenAny(report, timer) == report)
        {
            timerCts.Cancel();
            return true;
        }

        return false;
    }
}

public sealed record TradeStep(string ProjectId, int Stage, int Index, DateTime? DueUtc);
