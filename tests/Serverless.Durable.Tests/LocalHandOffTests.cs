using Microsoft.Extensions.Time.Testing;
using Serverless.Durable.Storage;

namespace Serverless.Durable.Tests;

/// <summary>
/// With pollers on, work items, their results and the first wake-up of a new instance are handed
/// over in memory (<see cref="DurableTaskOptions.LocalHandOff"/>); the rows that make them durable
/// stay until they are done with, so a process that dies with messages in memory loses nothing.
/// </summary>
public sealed class LocalHandOffTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly EffectLog _effects = new();

    private static async Task<OrchestrationMetadata> WaitAsync(TestHost host, string id)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
    }

    private static int Count(InMemoryDurableStore store, string operation) => store.Calls.Count(c => c == operation);

    [Fact]
    public async Task ChainOfActivities_HandedOverInMemory_CompletesWithoutQueueMessagesOrLeftoverRows()
    {
        var store = new InMemoryDurableStore(_clock);
        await using var host = await TestHost.StartAsync(store, _clock, "handoff", _effects);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "Tokyo", "Seattle", "London" });
        var result = await WaitAsync(host, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(["TOKYO", "SEATTLE", "LONDON"], result.ReadOutputAs<List<string>>());
        Assert.Equal(3, _effects.Executions);
        Assert.Equal(0, Count(store, nameof(IDurableStore.SendMessageAsync)));
        var rows = await store.ReadPartitionAsync(id);
        Assert.DoesNotContain(rows, r => r.RowKey.StartsWith("o|", StringComparison.Ordinal));
        Assert.False(rows.Single(r => r.RowKey == StoreEntity.InstanceRowKey).GetBoolean("HasOutbox"));
    }

    [Fact]
    public async Task ChainOfActivities_HandOverOff_GoesThroughTheQueues()
    {
        var store = new InMemoryDurableStore(_clock);
        await using var host = await TestHost.StartAsync(store, _clock, "queues", _effects, configure: o => o.LocalHandOff = false);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "Tokyo", "Seattle" });
        var result = await WaitAsync(host, id);

        Assert.Equal(["TOKYO", "SEATTLE"], result.ReadOutputAs<List<string>>());

        // A wake-up, then a work item and its result per activity.
        Assert.Equal(5, Count(store, nameof(IDurableStore.SendMessageAsync)));
    }

    [Fact]
    public async Task ProcessDiesWithAResultInMemory_NextProcessRunsTheWorkItemAgainFromItsOutboxRow()
    {
        var store = new InMemoryDurableStore(_clock);
        var dead = 0;
        store.FaultInjection = (operation, _) =>
        {
            // The first activity has run: from now on the first process's every storage call fails,
            // so its result, held in memory, can be neither recorded nor sent.
            if (Volatile.Read(ref dead) == 1)
            {
                throw new SimulatedCrashException();
            }

            return Task.CompletedTask;
        };
        var first = await TestHost.StartAsync(store, _clock, "crash", _effects, register: r => r.AddActivity<DieAfterRecording>(nameof(RecordEffect)));
        DieAfterRecording.Died = () => Volatile.Write(ref dead, 1);
        var id = await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "Tokyo", "Seattle" });

        var deadline = DateTime.UtcNow + Timeout;
        while (_effects.Executions == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The first activity never ran.");
            await Task.Delay(10);
        }

        await Task.Delay(200);
        await first.DisposeAsync();
        store.FaultInjection = null;
        DieAfterRecording.Died = null;

        // The instance still has its work item's outbox row and its pending flag, so the next
        // process's sweeper sends it again once the row is older than the straggler age.
        var rows = await store.ReadPartitionAsync(id);
        Assert.Contains(rows, r => r.RowKey.StartsWith("o|", StringComparison.Ordinal));
        Assert.True(rows.Single(r => r.RowKey == StoreEntity.InstanceRowKey).GetBoolean("HasOutbox"));

        await using var second = await TestHost.StartAsync(store, _clock, "crash", _effects, register: r => r.AddActivity<DieAfterRecording>(nameof(RecordEffect)), configure: o => o.OutboxSweepInterval = TimeSpan.Zero);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var result = await WaitAsync(second, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(["TOKYO", "SEATTLE"], result.ReadOutputAs<List<string>>());

        // The first activity ran in both processes (activities run at least once), the second once.
        Assert.Equal(2, _effects.Effects.Count);
        Assert.Equal(3, _effects.Executions);
    }

    /// <summary>Takes the place of <see cref="RecordEffect"/>: records, then lets the test kill the process.</summary>
    private sealed class DieAfterRecording(EffectLog log) : TaskActivity<string, string>
    {
        public static Action? Died { get; set; }

        public override Task<string> RunAsync(TaskActivityContext context, string input)
        {
            log.Apply(context.IdempotencyKey, input);
            Died?.Invoke();
            return Task.FromResult(input.ToUpperInvariant());
        }
    }
}
