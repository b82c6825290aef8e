using Microsoft.Extensions.Time.Testing;
using Serverless.Durable.Storage;

namespace Serverless.Durable.Tests;

/// <summary>A crash injected at a storage call: the "process" stops handling the message there.</summary>
public sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("simulated crash")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Fault and edge cases over the in-memory store, driven message by message like the Functions
/// trigger mode (pollers off), so a crash can be placed between any two storage calls.
/// </summary>
public sealed class FaultToleranceTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Drives instances message by message; a crash throws away the "process" and starts a new one on the same store.</summary>
    private sealed class Driver(InMemoryDurableStore store, FakeTimeProvider clock, EffectLog effects, Action<DurableTaskOptions>? configure = null) : IAsyncDisposable
    {
        private TestHost? _host;

        public int Crashes { get; private set; }

        public Func<StoreQueueMessage, string, Task>? BeforeHandle { get; set; }

        public async Task<TestHost> HostAsync() => _host ??= await TestHost.StartAsync(store, clock, "faults", effects, configure: o =>
        {
            o.EnablePollers = false;
            configure?.Invoke(o);
        });

        public async Task RestartAsync()
        {
            Crashes++;
            if (_host is not null)
            {
                await _host.DisposeAsync();
                _host = null;
            }

            // The crashed process's leases run out.
            store.ReleaseAllLeases();
        }

        public async Task<T> RetryOnCrashAsync<T>(Func<TestHost, Task<T>> action)
        {
            while (true)
            {
                try
                {
                    return await action(await HostAsync());
                }
                catch (SimulatedCrashException)
                {
                    await RestartAsync();
                }
            }
        }

        /// <summary>Handles messages and sweeps until <paramref name="done"/> holds; advances the clock when idle so timers fire.</summary>
        public async Task RunUntilAsync(Func<TestHost, Task<bool>> done, Func<TestHost, Task>? whenIdle = null)
        {
            for (var round = 0; round < 5000; round++)
            {
                try
                {
                    var host = await HostAsync();
                    if (await done(host))
                    {
                        return;
                    }

                    var handled = 0;
                    foreach (var queue in new[] { host.Worker.ControlQueueName, host.Worker.WorkItemQueueName })
                    {
                        foreach (var message in await store.ReceiveMessagesAsync(queue, 32, TimeSpan.FromMinutes(5)))
                        {
                            if (BeforeHandle is not null)
                            {
                                await BeforeHandle(message, queue);
                            }

                            await host.Worker.HandleMessageAsync(queue, message.Text, message.DequeueCount);
                            await store.DeleteMessageAsync(queue, message);
                            handled++;
                        }
                    }

                    if (handled == 0)
                    {
                        if (whenIdle is not null)
                        {
                            await whenIdle(host);
                        }

                        clock.Advance(TimeSpan.FromMinutes(1));
                        await host.Worker.SweepAsync();
                    }
                }
                catch (SimulatedCrashException)
                {
                    await RestartAsync();
                }
            }

            var last = await HostAsync();
            var rows = string.Join("; ", (await store.ReadPartitionAsync("every-kind")).Select(r => r.RowKey + (r.RowKey == "!" ? " " + r.GetString("Status") : string.Empty)));
            throw new InvalidOperationException($"The scenario did not finish. Calls: {string.Join(",", store.Calls.TakeLast(20))}. Rows: {rows}. Timers {store.TimerCount}");
        }

        public async ValueTask DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }
        }
    }

    private static async Task<bool> IsDoneAsync(TestHost host, string id) =>
        (await host.Client.GetInstanceAsync(id))?.IsCompleted == true;

    /// <summary>Runs <see cref="EveryKind"/> to completion, raising its event when it waits, with an optional crash at storage call <paramref name="crashAt"/>.</summary>
    private async Task<(string Output, EffectLog Effects, InMemoryDurableStore Store, int Calls, int Crashes)> RunEveryKindAsync(int? crashAt)
    {
        var store = new InMemoryDurableStore(_clock);
        var crashed = false;
        store.FaultInjection = (operation, call) =>
            !crashed && call == crashAt ? Task.FromException(new SimulatedCrashException($"crash at call {call} ({operation})")) : Task.CompletedTask;
        var effects = new EffectLog();
        await using var driver = new Driver(store, _clock, effects);
        var id = await driver.RetryOnCrashAsync(h => h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EveryKind), "x", new StartOrchestrationOptions("every-kind")));
        await driver.RunUntilAsync(
            h => IsDoneAsync(h, id),
            async h =>
            {
                var m = await h.Client.GetInstanceAsync(id);
                if (m?.RuntimeStatus == OrchestrationRuntimeStatus.Running && (await h.Client.GetHistoryAsync(id)).Any(e => e.EventType == "TimerFired"))
                {
                    await h.Client.RaiseEventAsync(id, "Approval", "ok");
                }
            });
        crashed = true;
        var host = await driver.HostAsync();
        var result = await host.Client.GetInstanceAsync(id, true);
        return (result!.RuntimeStatus + ":" + result.ReadOutputAs<string>(), effects, store, store.CallCount, driver.Crashes);
    }

    [Fact]
    public async Task Checkpoint_CrashBetweenAnyTwoStorageCalls_SameResultAndEachSideEffectOnce()
    {
        var clean = await RunEveryKindAsync(crashAt: null);
        Assert.Equal("Completed:X-A,X-B,X-C,ok,X-D", clean.Output);
        Assert.True(clean.Calls > 100, $"only {clean.Calls} calls");

        for (var call = 1; call <= clean.Calls; call++)
        {
            (string Output, EffectLog Effects, InMemoryDurableStore Store, int Calls, int Crashes) run;
            try
            {
                run = await RunEveryKindAsync(call);
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException($"crash at call {call}: {ex.Message}", ex);
            }

            Assert.True(run.Output == clean.Output, $"crash at call {call}: {run.Output}");
            Assert.Equal(4, run.Effects.Effects.Count);
            Assert.Equal(clean.Effects.Effects.Values.Order(), run.Effects.Effects.Values.Order());
        }
    }

    [Fact]
    public async Task ContinueAsNew_CrashBetweenAnyTwoStorageCalls_EveryGenerationRunsAndTheLastCompletes()
    {
        async Task<(string Output, int Calls)> RunAsync(int? crashAt)
        {
            var store = new InMemoryDurableStore(_clock);
            var crashed = false;
            store.FaultInjection = (operation, call) =>
            {
                if (!crashed && call == crashAt)
                {
                    crashed = true;
                    throw new SimulatedCrashException($"crash at call {call} ({operation})");
                }

                return Task.CompletedTask;
            };
            await using var driver = new Driver(store, _clock, new EffectLog());
            var id = await driver.RetryOnCrashAsync(h => h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Counter), 0, new StartOrchestrationOptions("counter")));
            await driver.RunUntilAsync(h => IsDoneAsync(h, id));
            crashed = true;
            var result = await (await driver.HostAsync()).Client.GetInstanceAsync(id, true);
            return ($"{result!.RuntimeStatus}:{result.ReadOutputAs<int>()}", store.CallCount);
        }

        var clean = await RunAsync(null);
        Assert.Equal("Completed:3", clean.Output);

        // A crash right after a generation's checkpoint (before it wakes itself) must not strand the next generation.
        for (var call = 1; call <= clean.Calls; call++)
        {
            Assert.Equal((call, clean.Output), (call, (await RunAsync(call)).Output));
        }
    }

    [Fact]
    public async Task Checkpoint_Over100Rows_CrashBetweenChunksIgnoresAndCleansUncommittedRows()
    {
        // Fan-out of 150: the first checkpoint holds 150 history rows + 150 outbox rows, so it is written in fenced chunks.
        var total = 0;
        for (var crashAtTransaction = 1; crashAtTransaction <= 5; crashAtTransaction++)
        {
            var store = new InMemoryDurableStore(_clock);
            var transactions = 0;
            var crashed = false;
            store.FaultInjection = (operation, call) =>
            {
                if (operation == nameof(IInstanceStoreMarker.ExecuteTransactionAsync) && ++transactions == crashAtTransaction + 1 && !crashed)
                {
                    crashed = true;
                    throw new SimulatedCrashException();
                }

                return Task.CompletedTask;
            };
            await using var driver = new Driver(store, _clock, new EffectLog());
            var id = await driver.RetryOnCrashAsync(h => h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutFanIn), 150));
            await driver.RunUntilAsync(h => IsDoneAsync(h, id));
            var host = await driver.HostAsync();
            var result = await host.Client.GetInstanceAsync(id, true);
            var history = await host.Client.GetHistoryAsync(id);

            Assert.Equal(150L * 151, result!.ReadOutputAs<long>());
            Assert.Equal(150, history.Count(h => h.EventType == "TaskScheduled"));
            Assert.Equal(150, history.Count(h => h.EventType == "TaskCompleted"));
            var rows = await store.ReadPartitionAsync(id);
            Assert.DoesNotContain(rows, r => r.RowKey.StartsWith("o|", StringComparison.Ordinal));
            var committedCount = rows.Single(r => r.RowKey == "!").GetInt64("HistoryCount");
            var executionId = rows.Single(r => r.RowKey == "!").GetString("ExecutionId");
            Assert.Equal(history.Count, committedCount);
            Assert.All(
                rows.Where(r => r.RowKey.StartsWith("h|", StringComparison.Ordinal)),
                r => Assert.True(r.RowKey.StartsWith($"h|{executionId}|", StringComparison.Ordinal) && int.Parse(r.RowKey[^8..], System.Globalization.CultureInfo.InvariantCulture) < committedCount, $"uncommitted history row {r.RowKey} left behind"));
            total += driver.Crashes;
        }

        Assert.Equal(5, total);
    }

    [Fact]
    public async Task Checkpoint_SmallEpisode_IsOneTableTransaction()
    {
        var store = new InMemoryDurableStore(_clock);
        await using var driver = new Driver(store, _clock, new EffectLog());
        var host = await driver.HostAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "a" });
        var message = Assert.Single(await store.ReceiveMessagesAsync(host.Worker.ControlQueueName, 32, TimeSpan.FromMinutes(1)));
        var before = store.Calls.Count;

        await host.Worker.HandleMessageAsync(host.Worker.ControlQueueName, message.Text);
        var calls = store.Calls.Skip(before).ToList();

        // The partition was just created by this process (cached, no read): commit instance row + history + outbox + processed marker at once, then relay the outbox.
        Assert.Equal(["ExecuteTransactionAsync", "SendMessageAsync"], calls);
        var rows = await store.ReadPartitionAsync(id);
        Assert.Contains(rows, r => r.RowKey.StartsWith("o|", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.RowKey.StartsWith("i|", StringComparison.Ordinal) && r.GetBoolean("Processed"));
        Assert.Single(rows, r => r.RowKey.StartsWith("h|", StringComparison.Ordinal));
        Assert.Equal(3, (await host.Client.GetHistoryAsync(id)).Count);
    }

    [Fact]
    public async Task Checkpoint_StaleWriter_ConflictsOnETagAndNothingItDidIsVisible()
    {
        var store = new InMemoryDurableStore(_clock);
        var effects = new EffectLog();
        await using var a = await TestHost.StartAsync(store, _clock, "writers", effects, configure: o => o.EnablePollers = false);
        await using var b = await TestHost.StartAsync(store, _clock, "writers", effects, configure: o => o.EnablePollers = false);
        var control = a.Worker.ControlQueueName;
        var id = await a.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x");
        await HandleAllAsync(a, control);

        // Host A holds a cached copy. The event's message reaches both hosts (a duplicate delivery);
        // B commits first, so A's ETag-conditional write is stale and must be abandoned.
        await b.Client.RaiseEventAsync(id, "Approval", "from b");
        var message = Assert.Single(await store.ReceiveMessagesAsync(control, 32, TimeSpan.FromMinutes(1)));
        var conflicts = 0;
        var callsAtConflict = 0;
        store.FaultInjection = async (operation, _) =>
        {
            if (operation == "ExecuteTransactionAsync" && conflicts == 0)
            {
                conflicts++;
                await b.Worker.HandleMessageAsync(control, message.Text);
                callsAtConflict = store.Calls.Count;
            }
        };
        await a.Worker.HandleMessageAsync(control, message.Text);
        store.FaultInjection = null;
        var result = await a.Client.GetInstanceAsync(id, true);
        var history = await a.Client.GetHistoryAsync(id);

        Assert.Equal(1, conflicts);
        Assert.Equal("approved:from b", result!.ReadOutputAs<string>());
        Assert.Single(history, e => e.EventType == "EventRaised");
        Assert.Single(history, e => e.EventType == "ExecutionCompleted");

        // A re-read the partition after its conflict and found the work done.
        Assert.Contains("ReadPartitionAsync", store.Calls.Skip(callsAtConflict));

        static async Task HandleAllAsync(TestHost host, string queue)
        {
            var store = (InMemoryDurableStore)host.Services.GetService(typeof(IDurableStore))!;
            foreach (var message in await store.ReceiveMessagesAsync(queue, 32, TimeSpan.FromMinutes(1)))
            {
                await host.Worker.HandleMessageAsync(queue, message.Text, message.DequeueCount);
                await store.DeleteMessageAsync(queue, message);
            }
        }
    }

    [Fact]
    public async Task Outbox_CrashAfterCommitAndLostMessage_SweeperResends()
    {
        var store = new InMemoryDurableStore(_clock);
        var effects = new EffectLog();
        await using var driver = new Driver(store, _clock, effects, o => o.OutboxStragglerAge = TimeSpan.FromSeconds(30));
        var host = await driver.HostAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "a", "b" });
        var message = Assert.Single(await store.ReceiveMessagesAsync(host.Worker.ControlQueueName, 32, TimeSpan.FromMinutes(1)));
        store.FaultInjection = (operation, _) => operation == "SendMessageAsync" ? throw new SimulatedCrashException() : Task.CompletedTask;

        await Assert.ThrowsAsync<SimulatedCrashException>(() => host.Worker.HandleMessageAsync(host.Worker.ControlQueueName, message.Text));
        store.FaultInjection = null;
        await store.DeleteMessageAsync(host.Worker.ControlQueueName, message);
        await driver.RestartAsync();
        host = await driver.HostAsync();
        Assert.Equal(0, await store.GetQueueLengthAsync(host.Worker.WorkItemQueueName));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var sweep = await host.Worker.SweepAsync();
        await driver.RunUntilAsync(h => IsDoneAsync(h, id));

        Assert.Equal(1, sweep.InstancesSwept);
        Assert.Equal(["A", "B"], (await host.Client.GetInstanceAsync(id, true))!.ReadOutputAs<List<string>>());
        Assert.Equal(2, effects.Effects.Count);
    }

    [Fact]
    public async Task Deduplication_EveryMessageKindDeliveredTwice_AppliedOnce()
    {
        var store = new InMemoryDurableStore(_clock);
        var effects = new EffectLog();
        await using var driver = new Driver(store, _clock, effects);
        var kinds = new HashSet<string>();
        var host = await driver.HostAsync();
        driver.BeforeHandle = async (message, queue) =>
        {
            // Deliver every message twice: handled once more right now, and a copy is sent again for later.
            if (message.DequeueCount == 1 && !message.Text.Contains("\"dup\"", StringComparison.Ordinal))
            {
                kinds.Add(System.Text.Json.JsonDocument.Parse(message.Text).RootElement.GetProperty("Kind").GetString()!);
                var h = await driver.HostAsync();
                await h.Worker.HandleMessageAsync(queue, message.Text);
                await store.SendMessageAsync(queue, message.Text.Insert(1, "\"X\":\"dup\","));
            }
        };
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EveryKind), "x", new StartOrchestrationOptions("dups"));
        await driver.RunUntilAsync(
            h => IsDoneAsync(h, id),
            async h =>
            {
                if ((await h.Client.GetHistoryAsync(id)).Any(e => e.EventType == "TimerFired") && (await h.Client.GetInstanceAsync(id))!.IsRunning)
                {
                    await h.Client.RaiseEventAsync(id, "Approval", "ok");
                }
            });
        var result = await host.Client.GetInstanceAsync(id, true);
        var history = await host.Client.GetHistoryAsync(id);

        Assert.Equal("X-A,X-B,X-C,ok,X-D", result!.ReadOutputAs<string>());
        Assert.Equal(4, effects.Effects.Count);
        Assert.Equal(3, history.Count(e => e.EventType == "TaskCompleted"));
        Assert.Single(history, e => e.EventType == "TimerFired");
        Assert.Single(history, e => e.EventType == "EventRaised");
        Assert.Single(history, e => e.EventType == "SubOrchestrationCompleted");
        Assert.Superset(new HashSet<string> { "Notify", "ActivityRequest", "TaskCompleted", "TimerFired", "SubOrchestrationCompleted" }, kinds);
    }

    [Fact]
    public async Task PoisonMessage_FailingEveryAttempt_DeadLetteredWithinNAttemptsAndInstanceFailed()
    {
        var store = new InMemoryDurableStore(_clock);
        await using var driver = new Driver(store, _clock, new EffectLog(), o => o.MaxDequeueCount = 3);
        var host = await driver.HostAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "a" });
        store.FaultInjection = (operation, _) => operation == "SendMessageAsync" ? throw new InvalidOperationException("disk on fire") : Task.CompletedTask;
        var attempts = 0;

        for (var i = 0; i < 10 && (await store.GetDeadLettersAsync()).Count == 0; i++)
        {
            foreach (var message in await store.ReceiveMessagesAsync(host.Worker.ControlQueueName, 32, TimeSpan.FromMinutes(1)))
            {
                attempts++;
                try
                {
                    await host.Worker.HandleMessageAsync(host.Worker.ControlQueueName, message.Text, message.DequeueCount);
                    await store.DeleteMessageAsync(host.Worker.ControlQueueName, message);
                }
                catch (InvalidOperationException)
                {
                    await store.ReleaseMessageAsync(host.Worker.ControlQueueName, message, TimeSpan.Zero);
                }
            }
        }

        store.FaultInjection = null;
        var deadLetter = Assert.Single(await store.GetDeadLettersAsync());
        var instance = await host.Client.GetInstanceAsync(id);
        Assert.Equal(3, attempts);
        Assert.Equal(id, deadLetter.InstanceId);
        Assert.Contains("disk on fire", deadLetter.Reason, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, instance!.RuntimeStatus);
        Assert.Contains("disk on fire", instance.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, await store.GetQueueLengthAsync(host.Worker.ControlQueueName));
        Assert.Equal("ExecutionFailed", (await host.Client.GetHistoryAsync(id))[^1].EventType);
    }

    [Fact]
    public async Task PoisonMessage_UnreadableText_DeadLetteredAtOnce()
    {
        var store = new InMemoryDurableStore(_clock);
        await using var driver = new Driver(store, _clock, new EffectLog());
        var host = await driver.HostAsync();

        await host.Worker.HandleMessageAsync(host.Worker.ControlQueueName, "not json");

        Assert.Contains("Unreadable", Assert.Single(await store.GetDeadLettersAsync()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeAllInstances_TenThousandCompleted_PurgesInPages()
    {
        var store = new InMemoryDurableStore(_clock);
        await using var driver = new Driver(store, _clock, new EffectLog());
        var host = await driver.HostAsync();
        var ids = new List<string>();
        for (var i = 0; i < 10_000; i++)
        {
            ids.Add(await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(GuidsAndStatus), "x", new StartOrchestrationOptions($"p{i:D5}")));
        }

        await driver.RunUntilAsync(async h => await store.GetQueueLengthAsync(h.Worker.ControlQueueName) == 0 && await store.GetQueueLengthAsync(h.Worker.WorkItemQueueName) == 0);
        var running = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x");
        var completed = await host.Client.QueryInstancesAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Completed], PageSize = 1000 });

        var result = await host.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter { PageSize = 500 });

        Assert.Equal(1000, completed.Items.Count);
        Assert.Equal(10_000, result.PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(ids[1234]));
        Assert.NotNull(await host.Client.GetInstanceAsync(running));
        Assert.Single((await host.Client.QueryInstancesAsync()).Items);
    }

    [Fact]
    public async Task Polling_MessageSentByThisProcess_IsPickedUpWithoutWaitingForAPoll()
    {
        var store = new InMemoryDurableStore(_clock);
        await using var host = await TestHost.StartAsync(store, _clock, "wake", new EffectLog(), configure: o =>
        {
            o.PollingMinInterval = TimeSpan.FromSeconds(10);
            o.PollingMaxInterval = TimeSpan.FromSeconds(10);
        });
        await Task.Delay(300);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "a", "b" });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.Client.WaitForInstanceCompletionAsync(id, cancellationToken: cts.Token);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Polling_IdleQueues_BackOffButStayBounded()
    {
        var store = new InMemoryDurableStore(_clock);
        await using var host = await TestHost.StartAsync(store, _clock, "idle", new EffectLog(), configure: o =>
        {
            o.PollingMinInterval = TimeSpan.FromMilliseconds(10);
            o.PollingMaxInterval = TimeSpan.FromMilliseconds(200);
        });
        await Task.Delay(1000);
        var before = store.Calls.Count(c => c == "ReceiveMessagesAsync");
        await Task.Delay(2000);
        var polls = store.Calls.Count(c => c == "ReceiveMessagesAsync") - before;

        // Two queues polled every 200 ms at most: about 20 polls in 2 s; far fewer than unbounded spinning, far more than a 30 s back-off.
        Assert.InRange(polls, 4, 60);

        // A message sent by another process (no in-process wake-up) is still found within the cap.
        var other = await TestHost.StartAsync(store, _clock, "idle", new EffectLog(), configure: o => o.EnablePollers = false);
        await using (other)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var id = await other.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EchoOrchestrator), "hi");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await other.Client.WaitForInstanceCompletionAsync(id, cancellationToken: cts.Token);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        }
    }

    private interface IInstanceStoreMarker
    {
        Task ExecuteTransactionAsync();
    }
}
