using Microsoft.Extensions.Time.Testing;
using Serverless.Durable.Storage;

namespace Serverless.Durable.Tests;

/// <summary>
/// The scenario suite: real client and worker over a store with a fake clock. Runs once per
/// store (<see cref="InMemoryScenarioTests"/>, <see cref="AzureStorageScenarioTests"/>).
/// </summary>
public abstract class DurableScenarioTests : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected string Hub { get; } = "t" + Guid.NewGuid().ToString("N")[..12];

    protected EffectLog Effects { get; } = new();

    protected IDurableStore Store { get; private set; } = null!;

    protected TestHost Host { get; private set; } = null!;

    protected DurableTaskClient Client => Host.Client;

    protected abstract IDurableStore CreateStore();

    protected virtual int FanOutSize => 1000;

    public async Task InitializeAsync()
    {
        Store = CreateStore();
        Host = await StartHostAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    protected Task<TestHost> StartHostAsync(Action<DurableTaskRegistry>? register = null, Action<DurableTaskOptions>? configure = null) =>
        TestHost.StartAsync(Store, Clock, Hub, Effects, register, configure);

    protected async Task<OrchestrationMetadata> WaitAsync(string instanceId, DurableTaskClient? client = null)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await (client ?? Client).WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
    }

    /// <summary>Waits until the instance's history satisfies a condition (for example, a timer was created).</summary>
    protected async Task WaitForHistoryAsync(string instanceId, Func<IReadOnlyList<OrchestrationHistoryEvent>, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var history = await Client.GetHistoryAsync(instanceId);
            if (condition(history))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"History of {instanceId} never matched: {string.Join(", ", history.Select(h => h.EventType))}");
            await Task.Delay(20);
        }
    }

    protected async Task WaitForStatusAsync(string instanceId, Func<OrchestrationMetadata, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var metadata = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (metadata is not null && condition(metadata))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{instanceId} never reached the expected state: {metadata?.RuntimeStatus} {metadata?.SerializedCustomStatus}");
            await Task.Delay(20);
        }
    }

    private static bool TimerCreated(IReadOnlyList<OrchestrationHistoryEvent> h, int count = 1) => h.Count(e => e.EventType == "TimerCreated") >= count;

    [Fact]
    public async Task ScheduleNew_HelloSequence_CompletesWithOutputsInOrder()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "Tokyo", "Seattle", "London" });

        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(["TOKYO", "SEATTLE", "LONDON"], result.ReadOutputAs<List<string>>());
        Assert.Equal(3, Effects.Effects.Count);
        Assert.Equal("1", result.Version);
    }

    [Fact]
    public async Task ScheduleNew_SameInstanceIdTwice_IsIdempotent()
    {
        var options = new StartOrchestrationOptions("fixed-id");
        var first = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "a" }, options);
        var second = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "b" }, options);
        await WaitAsync(first);
        var third = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "c" }, options);

        var result = await WaitAsync(first);

        Assert.Equal("fixed-id", second);
        Assert.Equal("fixed-id", third);
        Assert.Equal(["A"], result.ReadOutputAs<List<string>>());
        Assert.Single(Effects.Effects);
    }

    [Fact]
    public async Task ScheduleNew_UnknownOrchestrator_ThrowsValidationAndWritesNothing()
    {
        var ex = await Assert.ThrowsAsync<DurableValidationException>(() => Client.ScheduleNewOrchestrationInstanceAsync("NoSuchOrchestrator", null, new StartOrchestrationOptions("x1")));

        Assert.Contains("NoSuchOrchestrator", ex.Message, StringComparison.Ordinal);
        Assert.Null(await Client.GetInstanceAsync("x1"));
    }

    [Fact]
    public async Task ScheduleNew_UnserialisableInput_ThrowsValidationAndWritesNothing()
    {
        var cyclic = new Node();
        cyclic.Next = cyclic;

        var ex = await Assert.ThrowsAsync<DurableValidationException>(() => Client.ScheduleNewOrchestrationInstanceAsync(nameof(EchoOrchestrator), cyclic, new StartOrchestrationOptions("x2")));

        Assert.Equal("input", ex.ParamName);
        Assert.Null(await Client.GetInstanceAsync("x2"));
    }

    [Fact]
    public async Task ScheduleNew_InputOverCap_ThrowsValidationAndWritesNothing()
    {
        var big = new string('x', 5 * 1024 * 1024);

        await Assert.ThrowsAsync<DurableValidationException>(() => Client.ScheduleNewOrchestrationInstanceAsync(nameof(EchoOrchestrator), big, new StartOrchestrationOptions("x3")));

        Assert.Null(await Client.GetInstanceAsync("x3"));
    }

    [Fact]
    public async Task ScheduleNew_InvalidInstanceId_ThrowsValidation()
    {
        await Assert.ThrowsAsync<DurableValidationException>(() => Client.ScheduleNewOrchestrationInstanceAsync(nameof(EchoOrchestrator), "x", new StartOrchestrationOptions("a/b")));
    }

    [Fact]
    public async Task Payload_OverTableAndQueueLimitsUnderCap_IsOffloadedToBlobsTransparently()
    {
        var big = string.Concat(Enumerable.Range(0, 20_000).Select(i => (char)('a' + (i % 26))));

        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(EchoOrchestrator), big);
        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(big, result.ReadOutputAs<string>());
        Assert.Equal(big, result.ReadInputAs<string>());
        var history = await Client.GetHistoryAsync(id);
        Assert.Contains(history, h => h.EventType == "TaskCompleted" && h.Data == System.Text.Json.JsonSerializer.Serialize(big));
    }

    [Fact]
    public async Task RaiseEvent_UnknownInstance_ThrowsNotFound()
    {
        var ex = await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => Client.RaiseEventAsync("nobody", "Approval", "yes"));

        Assert.Equal("nobody", ex.InstanceId);
    }

    [Fact]
    public async Task WaitForExternalEvent_EventBeforeWait_IsDelivered()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitAfterTimer), "x");
        await WaitForHistoryAsync(id, h => TimerCreated(h));

        await Client.RaiseEventAsync(id, "Approval", "early bird");
        await WaitForHistoryAsync(id, h => h.Any(e => e.EventType == "EventRaised"));
        Clock.Advance(TimeSpan.FromHours(2));
        var result = await WaitAsync(id);

        Assert.Equal("early bird", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_EventBeforeInstanceStarts_IsKeptInInboxAndDelivered()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x", new StartOrchestrationOptions(startAt: Clock.GetUtcNow().AddHours(1)));

        await Client.RaiseEventAsync(id, "Approval", "before start");
        var pending = await Client.GetInstanceAsync(id);
        Clock.Advance(TimeSpan.FromHours(1.5));
        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Pending, pending!.RuntimeStatus);
        Assert.Equal("approved:before start", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_TimedOutWait_ConsumesNothing()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(TimeoutThenWait), "x");
        await WaitForHistoryAsync(id, h => TimerCreated(h));

        Clock.Advance(TimeSpan.FromHours(2));
        await WaitForStatusAsync(id, m => m.SerializedCustomStatus == "\"timed out\"");
        await Client.RaiseEventAsync(id, "Approval", "after timeout");
        var result = await WaitAsync(id);

        Assert.Equal("late:after timeout", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_CancelledWait_ConsumesNothing()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(CancelledWaitThenWait), "x");
        await WaitForStatusAsync(id, m => m.SerializedCustomStatus == "\"cancelled\"");

        await Client.RaiseEventAsync(id, "Approval", "only one");
        var result = await WaitAsync(id);

        Assert.Equal("second:only one", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task CreateTimer_ThirtyDays_FiresUnderFakeClock()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(LongTimer), 30);
        await WaitForHistoryAsync(id, h => TimerCreated(h));

        Clock.Advance(TimeSpan.FromDays(29));
        await Task.Delay(300);
        var stillRunning = await Client.GetInstanceAsync(id);
        Clock.Advance(TimeSpan.FromDays(1.01));
        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Running, stillRunning!.RuntimeStatus);
        Assert.Equal("30", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task CreateTimer_DueDuringDowntime_FiresOnRestart()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(LongTimer), 1);
        await WaitForHistoryAsync(id, h => TimerCreated(h));
        await Host.DisposeAsync();

        Clock.Advance(TimeSpan.FromDays(3));
        Host = await StartHostAsync();
        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("3", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ContinueAsNew_StaleTimerFromOlderGeneration_IsIgnored()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(Generations), 0);
        await WaitForHistoryAsync(id, h => TimerCreated(h));

        await Client.RaiseEventAsync(id, "Next", "go");
        await WaitForStatusAsync(id, m => m.SerializedCustomStatus == "\"gen1 waiting\"");
        await WaitForHistoryAsync(id, h => TimerCreated(h));
        Clock.Advance(TimeSpan.FromMinutes(15));
        await Task.Delay(500);
        var afterStaleTimer = await Client.GetInstanceAsync(id);
        Clock.Advance(TimeSpan.FromHours(1));
        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Running, afterStaleTimer!.RuntimeStatus);
        Assert.Equal("gen1 done", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ContinueAsNew_Counter_RestartsWithFreshHistory()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(Counter), 0);

        var result = await WaitAsync(id);
        var history = await Client.GetHistoryAsync(id);

        Assert.Equal(3, result.ReadOutputAs<int>());
        Assert.DoesNotContain(history, h => h.EventType == "TaskScheduled");
    }

    [Fact]
    public async Task TerminateInstance_WaitingInstance_IsTerminatedWithReason()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x");
        await WaitForStatusAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        await Client.TerminateInstanceAsync(id, "no longer needed");
        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("no longer needed", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task TerminateInstance_StartAndTerminateTogether_EndsTerminated()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "a", "b", "c" }, new StartOrchestrationOptions(startAt: Clock.GetUtcNow().AddMinutes(1)));
        await Client.TerminateInstanceAsync(id, "cancelled");
        Clock.Advance(TimeSpan.FromMinutes(2));

        var result = await WaitAsync(id);
        await Task.Delay(200);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Empty(Effects.Effects);
    }

    [Fact]
    public async Task SuspendInstance_EventWhileSuspended_WaitsUntilResumed()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x");
        await WaitForStatusAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        await Client.SuspendInstanceAsync(id, "hold");
        await WaitForStatusAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        await Client.RaiseEventAsync(id, "Approval", "while suspended");
        await Task.Delay(300);
        var suspended = await Client.GetInstanceAsync(id);
        await Client.ResumeInstanceAsync(id);
        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Suspended, suspended!.RuntimeStatus);
        Assert.Equal("approved:while suspended", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task PurgeInstance_Completed_RemovesItAndLaterOperationsThrowNotFound()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(EchoOrchestrator), new string('p', 20_000));
        await WaitAsync(id);

        var purged = await Client.PurgeInstanceAsync(id);

        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await Client.GetInstanceAsync(id));
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => Client.GetHistoryAsync(id));
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => Client.RaiseEventAsync(id, "Approval"));
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => Client.TerminateInstanceAsync(id));
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => Client.SuspendInstanceAsync(id));
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => Client.PurgeInstanceAsync(id));
    }

    [Fact]
    public async Task PurgeInstance_Running_ThrowsValidation()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x");

        await Assert.ThrowsAsync<DurableValidationException>(() => Client.PurgeInstanceAsync(id));
    }

    [Fact]
    public async Task QueryInstances_ByStatusNameAndCreatedTime_ReturnsPages()
    {
        var later = Clock.GetUtcNow().AddDays(1);
        for (var i = 0; i < 5; i++)
        {
            await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x", new StartOrchestrationOptions($"q{i}", later));
        }

        Clock.Advance(TimeSpan.FromMinutes(1));
        var cutoff = Clock.GetUtcNow();
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(LongTimer), 1, new StartOrchestrationOptions("q-other", later));

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Client.QueryInstancesAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Pending], Name = nameof(WaitForApproval), PageSize = 2, ContinuationToken = token });
            seen.AddRange(page.Items.Select(i => i.InstanceId));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);
        var before = await Client.QueryInstancesAsync(new OrchestrationQuery { CreatedTo = cutoff });
        var after = await Client.QueryInstancesAsync(new OrchestrationQuery { CreatedFrom = cutoff });
        var running = await Client.QueryInstancesAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running] });

        Assert.Equal(["q0", "q1", "q2", "q3", "q4"], seen.Order());
        Assert.True(pages >= 3);
        Assert.Equal(5, before.Items.Count);
        Assert.Equal("q-other", Assert.Single(after.Items).InstanceId);
        Assert.Empty(running.Items);
    }

    [Fact]
    public async Task GetHistory_CompletedInstance_ListsEventsInOrder()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "a" });
        await WaitAsync(id);

        var history = await Client.GetHistoryAsync(id);

        Assert.Equal(["OrchestratorStarted", "ExecutionStarted", "TaskScheduled", "OrchestratorStarted", "TaskCompleted", "ExecutionCompleted"], history.Select(h => h.EventType));
        Assert.Equal(nameof(RecordEffect), history[2].Name);
    }

    [Fact]
    public async Task CallActivity_WithRetryPolicy_SucceedsOnThirdAttempt()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(RetryingOrchestrator), "x");
        await WaitForHistoryAsync(id, h => TimerCreated(h));
        Clock.Advance(TimeSpan.FromSeconds(2));
        await WaitForHistoryAsync(id, h => TimerCreated(h, 2));
        Clock.Advance(TimeSpan.FromSeconds(2));

        var result = await WaitAsync(id);

        Assert.Equal("ok after 3", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task CallActivity_ActivityThrows_OrchestrationFailsWithDetails()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(FailingOrchestrator), nameof(AlwaysFail));

        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("boom", result.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallActivity_UnknownActivity_FailsWithClearMessage()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(FailingOrchestrator), "NoSuchActivity");

        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("No activity named 'NoSuchActivity'", result.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallSubOrchestrator_Child_ReturnsItsOutput()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParentOrchestrator), "kid");

        var result = await WaitAsync(id);

        Assert.Equal("child said KID", result.ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await Client.GetInstanceAsync(id + ":0000"))!.RuntimeStatus);
    }

    [Fact]
    public async Task CallSubOrchestrator_ManyChildrenAnsweredByEventsAcrossTwoHostsAndARestart_AllComplete()
    {
        const int children = 200;
        await using var second = await StartHostAsync();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(AnsweredChildren), children);
        var answered = new HashSet<int>();
        var restarted = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        while (answered.Count < children && DateTime.UtcNow < deadline)
        {
            // Answer every child that exists, from both hosts, as people answering invitations would.
            await Parallel.ForEachAsync(Enumerable.Range(0, children).Where(i => !answered.Contains(i)).ToList(), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                var client = i % 2 == 0 ? Client : second.Client;
                try
                {
                    await client.RaiseEventAsync(AnsweredChildren.ChildId(id, i), "Answer", i, ct);
                    lock (answered)
                    {
                        answered.Add(i);
                    }
                }
                catch (OrchestrationNotFoundException)
                {
                }
            });
            if (!restarted && answered.Count > children / 3)
            {
                restarted = true;
                await Host.DisposeAsync();
                Host = await StartHostAsync();
            }

            await Task.Delay(50);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Time moves on (as it does for a real sweeper) until the parent completes or the deadline passes.
        OrchestrationMetadata? result = null;
        while (DateTime.UtcNow < deadline && (result = await Client.GetInstanceAsync(id, getInputsAndOutputs: true))?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            await Task.Delay(100);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.NotNull(result);
        if (result.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            // Name the children that never finished, with what their partitions hold, to find the lost message.
            var stuck = new List<string>();
            for (var i = 0; i < children; i++)
            {
                var child = AnsweredChildren.ChildId(id, i);
                if ((await Client.GetInstanceAsync(child))?.RuntimeStatus is not OrchestrationRuntimeStatus.Completed)
                {
                    var rows = await Store.ReadPartitionAsync(child, CancellationToken.None);
                    stuck.Add(child + ": " + string.Join(" ", rows.Select(r => r.RowKey + (r.Properties.TryGetValue("Processed", out var p) ? "=" + p : string.Empty))));
                }
            }

            Assert.Fail($"The parent is {result.RuntimeStatus}; children not completed:\n" + string.Join("\n", stuck));
        }

        Assert.Equal(Enumerable.Range(0, children).Sum(), result.ReadOutputAs<int>());
        Assert.Equal(children, Effects.Effects.Count);
    }

    [Fact]
    public async Task SendEvent_ToWaitingInstance_IsDelivered()
    {
        var waiter = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x");
        var sender = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SendsEvent), waiter);

        var result = await WaitAsync(waiter);

        Assert.Equal($"approved:from {sender}", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task NewGuid_Replayed_IsDeterministicAndCustomStatusStored()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(GuidsAndStatus), "x");

        var result = await WaitAsync(id);
        var guids = result.ReadOutputAs<string>()!.Split('|');

        Assert.NotEqual(guids[0], guids[1]);
        Assert.Equal("{\"step\":1}", result.SerializedCustomStatus);
    }

    [Fact]
    public async Task FanOutFanIn_ManyActivities_CompletesWithSum()
    {
        var n = FanOutSize;
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutFanIn), n);

        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal((long)n * (n + 1), result.ReadOutputAs<long>());
        var history = await Client.GetHistoryAsync(id);
        Assert.Equal(n, history.Count(h => h.EventType == "TaskCompleted"));
    }

    [Fact]
    public async Task TwoHosts_SharingOneStore_RunEveryInstanceOnceCorrectly()
    {
        await using var second = await StartHostAsync();
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var client = i % 2 == 0 ? Client : second.Client;
            ids.Add(await client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { $"a{i}", $"b{i}", $"c{i}" }));
        }

        foreach (var id in ids)
        {
            var result = await WaitAsync(id);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
            Assert.Equal(3, result.ReadOutputAs<List<string>>()!.Count);
        }

        Assert.Equal(60, Effects.Effects.Count);
    }

    [Fact]
    public async Task OrchestratorVersion_V2CodeMeetsV1Instance_RunsTheV1Path()
    {
        await Host.DisposeAsync();
        Host = await StartHostAsync(r => r.AddOrchestrator<ApprovalV1>("Approval"));
        var id = await Client.ScheduleNewOrchestrationInstanceAsync("Approval", "v1");
        await WaitForStatusAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        await WaitForHistoryAsync(id, h => h.Any(e => e.EventType == "TaskCompleted"));
        await Host.DisposeAsync();

        Host = await StartHostAsync(r => r.AddOrchestrator<ApprovalV2>("Approval"));
        await Client.RaiseEventAsync(id, "Approval", "yes");
        var result = await WaitAsync(id);
        var fresh = await Client.ScheduleNewOrchestrationInstanceAsync("Approval", "v2");
        await WaitForHistoryAsync(fresh, h => h.Any(e => e.EventType == "TaskCompleted"));
        await Client.RaiseEventAsync(fresh, "Approval", "yes");
        var freshResult = await WaitAsync(fresh);

        Assert.Equal("1", result.Version);
        Assert.Equal("v1-path-in-v2:Hello v1:yes", result.ReadOutputAs<string>());
        Assert.Equal("2", freshResult.Version);
        Assert.Equal("v2:Hello v2:yes:extra", freshResult.ReadOutputAs<string>());
    }

    [Fact]
    public async Task OrchestratorVersion_IncompatibleCodeMeetsV1Instance_FailsClearly()
    {
        await Host.DisposeAsync();
        Host = await StartHostAsync(r => r.AddOrchestrator<ApprovalV1>("Approval"));
        var id = await Client.ScheduleNewOrchestrationInstanceAsync("Approval", "v1");
        await WaitForHistoryAsync(id, h => h.Any(e => e.EventType == "TaskCompleted"));
        await Host.DisposeAsync();

        Host = await StartHostAsync(r => r.AddOrchestrator<ApprovalV3>("Approval"));
        await Client.RaiseEventAsync(id, "Approval", "yes");
        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("version 1", result.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("version 3", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_ChangedCodeSameVersion_FailsNamingTheMismatchingCall()
    {
        await Host.DisposeAsync();
        Host = await StartHostAsync(r => r.AddOrchestrator<ApprovalV1>("Approval"));
        var id = await Client.ScheduleNewOrchestrationInstanceAsync("Approval", "v1");
        await WaitForHistoryAsync(id, h => h.Any(e => e.EventType == "TaskCompleted"));
        await Host.DisposeAsync();

        Host = await StartHostAsync(r => r.AddOrchestrator<ApprovalV1Changed>("Approval"));
        await Client.RaiseEventAsync(id, "Approval", "yes");
        var result = await WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, result.FailureDetails!.ErrorType);
        Assert.Contains("CallActivityAsync('Echo')", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("CallActivityAsync('SayHello')", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleMessageAsync_FunctionsModeWithPollersOff_DrivesInstanceToCompletion()
    {
        await Host.DisposeAsync();
        Host = await StartHostAsync(configure: o => o.EnablePollers = false);
        var worker = Host.Worker;
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(EveryKind), "fn");

        var deadline = DateTime.UtcNow + Timeout;
        var raised = false;
        while (true)
        {
            var handled = 0;
            foreach (var queue in new[] { worker.ControlQueueName, worker.WorkItemQueueName })
            {
                foreach (var message in await Store.ReceiveMessagesAsync(queue, 32, TimeSpan.FromMinutes(1)))
                {
                    // What a Functions queue trigger invocation does: hand over the text, delete on success.
                    await worker.HandleMessageAsync(queue, message.Text, message.DequeueCount);
                    await Store.DeleteMessageAsync(queue, message);
                    handled++;
                }
            }

            var metadata = await Client.GetInstanceAsync(id, true);
            if (metadata!.IsCompleted)
            {
                Assert.Equal("FN-A,FN-B,FN-C,ok,FN-D", metadata.ReadOutputAs<string>());
                break;
            }

            if (!raised && metadata.SerializedCustomStatus == "\"waiting\"")
            {
                await Client.RaiseEventAsync(id, "Approval", "ok");
                raised = true;
            }

            if (handled == 0)
            {
                Clock.Advance(TimeSpan.FromMinutes(1));
                await worker.SweepAsync();
            }

            Assert.True(DateTime.UtcNow < deadline, "Functions-mode driving did not finish.");
        }

        Assert.Equal(4, Effects.Effects.Count);
    }

    private sealed class Node
    {
        public Node? Next { get; set; }
    }
}

public sealed class InMemoryScenarioTests : DurableScenarioTests
{
    protected override IDurableStore CreateStore() => new InMemoryDurableStore(Clock);
}
