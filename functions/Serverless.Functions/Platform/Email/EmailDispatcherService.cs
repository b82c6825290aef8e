using System.Threading.Channels;
using Azure;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Platform.Email;

/// <summary>
/// Standalone mode's driver of the dispatcher, with three sources of work:
/// <list type="bullet">
/// <item>The in-process hand-off (<see cref="EmailOutbox.HandedOff"/>): rows this process has just
/// committed, written already claimed for it and delivered as given (no claim write, no point read) by
/// <see cref="EmailOptions.MaxConcurrentDeliveries"/> independent workers, so a slow or hung
/// delivery holds only its own slot and the other workers keep going.</item>
/// <item>The email queue, still polled (woken at once when this process nudges it, otherwise with
/// a back-off capped at two seconds) for nudges from other processes or from before the hand-off;
/// a receive is never cancelled half-way.</item>
/// <item>The sweep every <see cref="EmailOptions.SweepInterval"/> (and at start), which delivers
/// rows that are due, whose claim lapsed, or whose hand-off was lost when a process stopped.</item>
/// </list>
/// A row handed off and also found by the queue or the sweep is delivered once: while its claim
/// holds they get <see cref="DispatchOutcome.Busy"/>. In Functions mode this is off and triggers call
/// the dispatcher. Storage outages and failed items are logged and waited out; they never stop the
/// host or the loops.
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

        var concurrency = Math.Max(1, options.Value.MaxConcurrentDeliveries);
        var handOffWorkers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => DeliverHandedOffAsync(stoppingToken), CancellationToken.None))
            .ToArray();
        try
        {
            await PollAsync(concurrency, stoppingToken);
        }
        finally
        {
            await Task.WhenAll(handOffWorkers);
        }
    }

    /// <summary>One hand-off slot: takes the next handed-off row, delivers it, and repeats until the host stops.</summary>
    private async Task DeliverHandedOffAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            EmailOutboxEntity entity;
            try
            {
                entity = await outbox.HandedOff.ReadAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                return;
            }

            try
            {
                // Whatever the outcome, the row itself now carries the state; the sweep handles retries.
                await dispatcher.DispatchAsync(entity, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The dispatcher gave the claim back; the next sweep delivers the row.
                return;
            }
            catch (Exception ex)
            {
                // Storage unreachable, a bad payload: the row's claim lapses (or it waits for its
                // retry) and the sweep delivers it. This slot goes on with the next row.
                logger.LogWarning("Handed-off email {MessageKey} not delivered now, the sweep will retry it: {Error}", entity.MessageKey, ex.GetType().Name + ": " + ex.Message);
            }
        }
    }

    private async Task PollAsync(int concurrency, CancellationToken stoppingToken)
    {
        var idleDelay = TimeSpan.FromMilliseconds(50);
        var nextSweep = time.GetUtcNow();
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
