using Microsoft.DurableTask;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.Workshops;

/// <summary>Sends the reminder to a session's registrants at the set time before it starts.</summary>
public sealed class SessionReminderOrchestrator : TaskOrchestrator<SessionReminderOrchestrator.Input, int>
{
    public sealed record Input(string SeriesId, string SessionId, DateTime StartUtc, DateTime RemindAtUtc);

    public static string InstanceIdFor(string seriesId, string sessionId, DateTimeOffset startUtc) =>
        "workshop-reminder-" + OrchestrationSteps.InstanceKey(seriesId + "|" + sessionId, 24) + "-" + startUtc.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override async Task<int> RunAsync(TaskOrchestrationContext context, Input input)
    {
        if (input.RemindAtUtc > context.CurrentUtcDateTime)
        {
            await context.CreateTimer(input.RemindAtUtc, CancellationToken.None);
        }

        return await context.CallActivityAsync<int>(nameof(SendSessionReminders), input, OrchestrationSteps.Retry);
    }
}
