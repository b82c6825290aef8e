using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.DemoData;

/// <summary>
/// How a track's demo data is loaded at start-up: only where demo data is on and never in Azure,
/// after the demo network (its records refer to demo people), once (a marker row ends the load),
/// retried while storage is not reachable yet.
/// </summary>
public static class TrackDemoData
{
    public static async Task LoadAfterNetworkAsync(
        DemoDataOptions options,
        StorageClients storage,
        string marker,
        string track,
        Func<CancellationToken, Task> load,
        Action loaded,
        TimeProvider time,
        ILogger logger,
        CancellationToken stoppingToken)
    {
        if (!options.Enabled || DemoDataService.RunningInAzure)
        {
            return;
        }

        for (var attempt = 1; attempt <= 60 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var markers = storage.Tables.GetTableClient(DemoDataLoader.MarkerTable);
                await markers.CreateIfNotExistsAsync(stoppingToken);
                if ((await markers.GetEntityIfExistsAsync<TableEntity>(DemoDataLoader.MarkerPartition, marker, cancellationToken: stoppingToken)).HasValue)
                {
                    return;
                }

                if (!(await markers.GetEntityIfExistsAsync<TableEntity>(DemoDataLoader.MarkerPartition, DemoDataLoader.NetworkMarker, cancellationToken: stoppingToken)).HasValue)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                    continue;
                }

                await load(stoppingToken);
                await markers.UpsertEntityAsync(new TableEntity(DemoDataLoader.MarkerPartition, marker) { ["LoadedAt"] = time.GetUtcNow() }, cancellationToken: stoppingToken);
                loaded();
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or StorageConfigurationException)
            {
                logger.LogWarning("Demo {Track} not loaded yet (attempt {Attempt}): {Reason}", track, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(3), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
