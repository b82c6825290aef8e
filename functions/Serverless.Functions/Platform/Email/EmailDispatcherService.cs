using Azure;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Platform.Email;

/// <summary>
/// Standalone mode's driver of the dispatcher: reads the email queue (woken at once when this
/// process queues a message, otherwise polling with a back-off capped at two seconds) and sweeps
/// the outbox on an interval. In Functions mode this is off and triggers call the dispatcher.
/// Storage outages are logged and waited out; they never stop the host.
/// </summary>
public sealed class EmailDispatcherService(
    EmailOutbox outbox,
    EmailDispatcher dispatcher,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<EmailDispatcherService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxIdleDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.EnablePollers)
        {
            logger.LogInformation("Email pollers are off: queue and timer triggers drive the dispatcher");
            return;
        }

        var idleDelay = TimeSpan.FromMilliseconds(50);
        var nextSweep = time.GetUtcNow();
        var concurrency = Math.Max(1, options.Value.MaxConcurrentDeliveries);
        var storageDown = false;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (time.GetUtcNow() >= nextSweep)
                {
                    await dispatcher.SweepAsync(stoppingToken);
                    nextSweep = time.GetUtcNow() + options.Value.SweepInterval;
                }

                await outbox.TableAsync(stoppingToken);
                // Not cancelled half-way: an answered but abandoned receive would hide its nudges for two minutes.
                var messages = (await outbox.Queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(2), CancellationToken.None)).Value;
                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                if (storageDown)
                {
                    logger.LogInformation("Email dispatcher reached storage again");
                    storageDown = false;
                }

                if (messages.Length == 0)
                {
                    await outbox.WaitForWorkAsync(idleDelay, stoppingToken);
                    idleDelay = TimeSpan.FromTicks(Math.Min(idleDelay.Ticks * 2, MaxIdleDelay.Ticks));
                    continue;
                }

                idleDelay = TimeSpan.FromMilliseconds(50);
                await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = stoppingToken }, async (message, ct) =>
                {
                    // Whatever the outcome, the row itself now carries the state; the sweep handles retries.
                    await dispatcher.DispatchAsync(message.MessageText, ct);
                    try
                    {
                        await outbox.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                    }
                    catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
                    {
                        // The nudge outlived its invisibility and was taken again (or deleted): harmless, the row holds the state.
                    }
                });
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Anything else (a storage timeout surfacing as a cancellation, a bad row) must not
                // end the dispatcher: a BackgroundService that throws stops delivering for good.
                if (ex is not (RequestFailedException or HttpRequestException or StorageConfigurationException or AggregateException))
                {
                    logger.LogError(ex, "Email dispatcher loop failed; retrying in {Delay}", MaxIdleDelay * 5);
                }
                else if (!storageDown)
                {
                    logger.LogError("Email dispatcher cannot reach storage, retrying every {Delay}: {Reason}", MaxIdleDelay * 5, ex.Message);
                    storageDown = true;
                }

                await Task.Delay(MaxIdleDelay * 5, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
