using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Serverless.Functions.Platform.Storage;

/// <summary>One health check per storage service, each asking the service for its properties.</summary>
public sealed class StorageHealthCheck(StorageClients storage, StorageService service) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (storage.ConfigurationError is { } error)
        {
            return HealthCheckResult.Unhealthy(error);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            switch (service)
            {
                case StorageService.Tables:
                    await storage.Tables.GetPropertiesAsync(timeout.Token);
                    break;
                case StorageService.Queues:
                    await storage.Queues.GetPropertiesAsync(timeout.Token);
                    break;
                default:
                    await storage.Blobs.GetPropertiesAsync(cancellationToken: timeout.Token);
                    break;
            }

            return HealthCheckResult.Healthy();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{service} did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException)
        {
            return HealthCheckResult.Unhealthy($"{service} unreachable: {FirstLine(Innermost(ex).Message)}");
        }
    }

    private static Exception Innermost(Exception ex) => ex switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Innermost(aggregate.InnerExceptions[^1]),
        { InnerException: { } inner } => Innermost(inner),
        _ => ex,
    };

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}

public enum StorageService
{
    Tables,
    Queues,
    Blobs,
}
