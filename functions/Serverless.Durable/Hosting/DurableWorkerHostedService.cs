using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Durable.Core;
using Serverless.Durable.Storage;

namespace Serverless.Durable;

/// <summary>
/// Standalone mode: polls the control and work-item queues and the timers table and hands every
/// message to <see cref="DurableWorker.HandleMessageAsync"/>. Idle polling backs off up to
/// <see cref="DurableTaskOptions.PollingMaxInterval"/>; a message sent by this process wakes its
/// poller at once. Creates the storage on start; polls nothing when pollers are disabled.
/// </summary>
public sealed class DurableWorkerHostedService : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly DurableRuntime _runtime;
    private readonly DurableWorker _worker;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private int _disposed;

    internal DurableWorkerHostedService(DurableRuntime runtime, DurableWorker worker, ILogger logger)
    {
        _runtime = runtime;
        _worker = worker;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // With healthy storage the task hub exists before the host serves its first request.
        // Storage that is unreachable or misconfigured must not stop the host (its health endpoint
        // reports it): then initialisation goes on in the background, retrying, and polling
        // starts once it works.
        var initialized = false;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            await _runtime.Store.InitializeAsync(timeout.Token);
            initialized = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError("Durable task hub storage cannot be initialised, retrying every 10 s: {Reason}", ex.Message);
        }

        // Messages handed over in memory wait there until the pollers start.
        _runtime.HandOffEnabled = _runtime.Options.EnablePollers;
        _stopping.Token.Register(() => _runtime.HandOffEnabled = false);
        _loops.Add(Task.Run(() => InitializeThenPollAsync(initialized, _stopping.Token), CancellationToken.None));
    }

    private async Task InitializeThenPollAsync(bool initialized, CancellationToken cancellationToken)
    {
        var reported = !initialized;
        while (!initialized && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _runtime.Store.InitializeAsync(cancellationToken);
                if (reported)
                {
                    _logger.LogInformation("Durable task hub storage is reachable again");
                }

                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (!reported)
                {
                    _logger.LogError("Durable task hub storage cannot be initialised, retrying every 10 s: {Reason}", ex.Message);
                    reported = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        if (!_runtime.Options.EnablePollers || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        await Task.WhenAll(
            Task.Run(() => PollQueueAsync(_runtime.ControlQueue, _runtime.ControlSignal, _runtime.Options.MaxConcurrentOrchestrations, cancellationToken), CancellationToken.None),
            Task.Run(() => PollQueueAsync(_runtime.WorkItemQueue, _runtime.WorkItemSignal, _runtime.Options.MaxConcurrentActivities, cancellationToken), CancellationToken.None),
            Task.Run(() => PollTimersAsync(cancellationToken), CancellationToken.None));
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 0 && !_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    private async Task PollQueueAsync(string queue, AsyncSignal signal, int concurrency, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var delay = _runtime.Options.PollingMinInterval;
        var lastReceive = 0L;
        while (!cancellationToken.IsCancellationRequested)
        {
            var held = 0;
            try
            {
                await slots.WaitAsync(cancellationToken);
                held = 1;

                // Messages this process handed over in memory come first, but the queue is still
                // read at least every quarter second, for messages from elsewhere.
                if (Environment.TickCount64 - lastReceive < 250 && StartHandedOff(queue, slots, cancellationToken))
                {
                    held = 0;
                    delay = _runtime.Options.PollingMinInterval;
                    continue;
                }

                lastReceive = Environment.TickCount64;

                // Never cancelled half-way: a receive the service answered but the client abandoned would
                // hide its messages for the whole visibility timeout (minutes) after a host stops.
                var messages = await _runtime.Store.ReceiveMessagesAsync(queue, Math.Min(32, slots.CurrentCount + 1), _runtime.Options.VisibilityTimeout, CancellationToken.None);
                if (cancellationToken.IsCancellationRequested)
                {
                    await ReleaseAllAsync(queue, messages);
                    break;
                }

                if (messages.Count == 0)
                {
                    if (StartHandedOff(queue, slots, cancellationToken))
                    {
                        held = 0;
                        delay = _runtime.Options.PollingMinInterval;
                        continue;
                    }

                    await signal.WaitAsync(delay, cancellationToken);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, _runtime.Options.PollingMaxInterval.TotalMilliseconds));
                    continue;
                }

                delay = _runtime.Options.PollingMinInterval;
                for (var i = 1; i < messages.Count; i++)
                {
                    // Free slots were counted before receiving, so these do not wait.
                    await slots.WaitAsync(CancellationToken.None);
                }

                held = 0;
                foreach (var message in messages)
                {
                    _ = HandleAsync(queue, message, slots, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Polling {Queue} failed", queue);
                await Task.Delay(_runtime.Options.PollingMaxInterval, CancellationToken.None);
            }
            finally
            {
                if (held == 1)
                {
                    slots.Release();
                }
            }
        }

        // Let in-flight handlers finish so a stopped host leaves nothing half-done.
        for (var i = 0; i < concurrency; i++)
        {
            await slots.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }
    }

    /// <summary>Makes received messages visible again at once, for another host (or this one after a restart) to take.</summary>
    private async Task ReleaseAllAsync(string queue, IReadOnlyList<StoreQueueMessage> messages)
    {
        foreach (var message in messages)
        {
            try
            {
                await _runtime.Store.ReleaseMessageAsync(queue, message, TimeSpan.Zero, CancellationToken.None);
            }
            catch (Exception ex)
            {
                _logger.LogDebug(ex, "Releasing message {MessageId} failed; it reappears after its visibility timeout", message.MessageId);
            }
        }
    }

    private async Task HandleAsync(string queue, StoreQueueMessage message, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await _worker.HandleMessageAsync(queue, message.Text, message.DequeueCount, cancellationToken);
            await _runtime.Store.DeleteMessageAsync(queue, message, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Message {MessageId} of {Queue} failed on attempt {Attempt}; it will be retried", message.MessageId, queue, message.DequeueCount);
            try
            {
                var backoff = TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, message.DequeueCount), 10_000));
                await _runtime.Store.ReleaseMessageAsync(queue, message, backoff, CancellationToken.None);
            }
            catch (Exception releaseError)
            {
                _logger.LogDebug(releaseError, "Releasing message {MessageId} failed; it reappears after its visibility timeout", message.MessageId);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Starts handling the next message handed over in memory, if any, on the slot the caller holds (released when done).</summary>
    private bool StartHandedOff(string queue, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        if (!_runtime.TryTakeHandedOff(queue, out var handedOff))
        {
            return false;
        }

        _ = HandleHandedOffAsync(queue, handedOff, slots, cancellationToken);
        return true;
    }

    private async Task HandleHandedOffAsync(string queue, HandedOffMessage message, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await _worker.HandleHandedOffAsync(queue, message, cancellationToken);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task PollTimersAsync(CancellationToken cancellationToken)
    {
        var lastOutboxSweep = DateTimeOffset.UtcNow;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _worker.FireDueTimersAsync(cancellationToken);
                if (DateTimeOffset.UtcNow - lastOutboxSweep >= _runtime.Options.OutboxSweepInterval)
                {
                    lastOutboxSweep = DateTimeOffset.UtcNow;
                    await _worker.SweepOutboxAsync(cancellationToken);
                }

                await _runtime.TimerSignal.WaitAsync(_runtime.Options.PollingMaxInterval, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Timer sweep failed");
                await Task.Delay(_runtime.Options.PollingMaxInterval, CancellationToken.None);
            }
        }
    }
}
