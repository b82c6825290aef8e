using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Serverless.Functions.Platform.Durable;

public static class DurableClientExtensions
{
    /// <summary>Every status: an instance that exists in any of them is not started again.</summary>
    private static readonly IReadOnlyList<string> AnyStatus = Enum.GetNames<OrchestrationRuntimeStatus>();

    /// <summary>
    /// Starts an orchestration under an instance id that comes from its business key; if the
    /// instance exists already (whatever its status) nothing changes, so a repeated start — a retried
    /// request, a sweep — is harmless. Without the dedupe statuses the provider would restart a
    /// finished instance and replace a running one.
    /// </summary>
    public static async Task<string> StartOnceAsync(this DurableTaskClient client, TaskName orchestrator, object? input, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId) { DedupeStatuses = AnyStatus }, cancellationToken);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return instanceId;
        }
    }
}
