using System.Text.RegularExpressions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.AzureHost;

/// <summary>
/// In Azure the host runs the engine, so this check says what the worker can know: whether the task
/// hub name setting is one the Azure Storage provider accepts (3-45 letters and digits, starting with
/// a letter), and whether the host has handed this instance a client yet.
/// </summary>
public sealed partial class FunctionsDurableHealthCheck(IOptions<DurableOptions> options, DurableClientAccessor clients) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var hub = options.Value.TaskHubName;
        if (string.IsNullOrWhiteSpace(hub) || !HubName().IsMatch(hub))
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"The setting Durable:TaskHubName ('{hub}') is not a task hub name: 3-45 letters and digits, starting with a letter."));
        }

        return Task.FromResult(HealthCheckResult.Healthy(clients.Current is null
            ? $"Task hub '{hub}', run by the Functions host; no client bound on this instance yet."
            : $"Task hub '{hub}', run by the Functions host."));
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    private static partial Regex HubName();
}
