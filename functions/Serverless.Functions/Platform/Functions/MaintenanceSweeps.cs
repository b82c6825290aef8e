using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Serverless.Functions.Platform.Functions;

/// <summary>
/// Periodic repair work of a feature (for example, finishing what a request cut off by a crash
/// left owed). Standalone, <see cref="MaintenanceSweepService"/> runs every sweep on a timer; under
/// Azure Functions the timer-triggered <c>sweeper</c> function runs them.
/// </summary>
public interface IMaintenanceSweep
{
    /// <summary>Does one round; returns how many items it repaired.</summary>
    Task<int> SweepAsync(CancellationToken cancellationToken);
}

public static class MaintenanceSweepExtensions
{
    /// <summary>Registers a feature's sweep, and once for all features the service that runs them.</summary>
    public static IServiceCollection AddMaintenanceSweep<TSweep>(this IServiceCollection services)
        where TSweep : class, IMaintenanceSweep
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMaintenanceSweep, TSweep>());
        services.AddHostedService<MaintenanceSweepService>();
        return services;
    }
}

/// <summary>
/// Runs the registered <see cref="IMaintenanceSweep"/>s every 30 seconds while the runtime's own
/// worker runs in this process, unless <c>Maintenance:EnableSweeps</c> is false (tests that share one storage
/// account across task hubs call the sweeps themselves).
/// </summary>
public sealed class MaintenanceSweepService(
    IEnumerable<IMaintenanceSweep> sweeps,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<MaintenanceSweepService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Durable:EnableWorker", true) || !configuration.GetValue("Maintenance:EnableSweeps", true))
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunAllAsync(sweeps, logger, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>Runs each sweep once; one sweep's failure is logged and does not stop the others.</summary>
    public static async Task<int> RunAllAsync(IEnumerable<IMaintenanceSweep> sweeps, ILogger logger, CancellationToken cancellationToken)
    {
        var repaired = 0;
        foreach (var sweep in sweeps)
        {
            try
            {
                repaired += await sweep.SweepAsync(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Maintenance sweep {Sweep} failed; it runs again on the next round", sweep.GetType().Name);
            }
        }

        return repaired;
    }
}
