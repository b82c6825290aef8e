using System.Text.Json;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.AzureHost;

/// <summary>
/// The workflow monitor's history in Azure: the host's client streams it, and each event is written
/// in the provider's own shape (its properties, EventType as a number), as the local sidecar returns it.
/// </summary>
public sealed class ClientOrchestrationHistory(DurableTaskClient client) : IOrchestrationHistory
{
    public async Task<JsonElement?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is null)
        {
            return null;
        }

        var events = await client.GetOrchestrationHistoryAsync(instanceId, cancellationToken);
        return JsonSerializer.SerializeToElement(events.Select(e => JsonSerializer.SerializeToElement(e, e.GetType())).ToList());
    }
}
