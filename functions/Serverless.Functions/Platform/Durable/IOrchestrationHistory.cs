using System.Text.Json;

namespace Serverless.Functions.Platform.Durable;

/// <summary>
/// An instance's history for the workflow monitor: one JSON object per event in the provider's shape
/// (EventType as DurableTask.Core's number, Name, Input, Result, Timestamp, ...), or null when the
/// instance is unknown. Locally the sidecar reads the provider's table (its gRPC API streams history
/// only to workers); in Azure the Functions host's client streams it.
/// </summary>
public interface IOrchestrationHistory
{
    Task<JsonElement?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken);
}
