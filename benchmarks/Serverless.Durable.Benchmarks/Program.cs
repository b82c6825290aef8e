// Throughput and latency of the durable runtime against Azurite, with the raw storage floor measured in the same run.
// Run: dotnet run -c Release --project benchmarks/Serverless.Durable.Benchmarks
using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Durable;
using Serverless.Durable.Core;
using Serverless.Testing;

var Orchestrations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1000;
var FanOut = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000;
var peak = new PeakSampler();

await using var azurite = new AzuriteFixture();
await azurite.InitializeAsync();
var connection = azurite.ConnectionString;
var defaults = new DurableTaskOptions();
Console.WriteLine($"Azurite on {connection.Split(';').First(p => p.StartsWith("TableEndpoint", StringComparison.Ordinal))}; concurrency {defaults.MaxConcurrentOrchestrations} orchestration / {defaults.MaxConcurrentActivities} activity handlers");

// (b) storage floor: per orchestration 6 table writes (one per step) and 11 hops (send + receive + delete), same concurrency.
var floor = await StorageFloor.RunAsync(connection, Orchestrations, defaults.MaxConcurrentOrchestrations, defaults.MaxConcurrentActivities);
Console.WriteLine($"(b) storage floor: {Orchestrations} x (6 table writes + 11 queue hops) in {floor.TotalSeconds:F2} s ({StorageFloor.Failures} failed attempts retried; {StorageFloor.LastFailure})");

// Each measurement runs in its own task hub (fresh tables and queues), like the floor, because Azurite slows down as its tables fill.
var (chainHost, client, runtime) = await StartHostAsync("chain");

// Warm-up.
await RunManyAsync(nameof(HelloCities5), 20, "warm");

// (a) 1,000 five-activity chains.
var watch = Stopwatch.StartNew();
await RunManyAsync(nameof(HelloCities5), Orchestrations, "chain");
var chain = watch.Elapsed;
Console.WriteLine($"(a) {Orchestrations} HelloCities5 orchestrations in {chain.TotalSeconds:F2} s = {Orchestrations / chain.TotalSeconds:F1} orchestrations/s");
Console.WriteLine($"    ratio to storage floor: {chain.TotalSeconds / floor.TotalSeconds:F2} (target <= 1.5)");
Console.WriteLine($"    dead letters: {(await runtime.Store.GetDeadLettersAsync()).Count}");
await chainHost.DisposeAsync();

// (c) start-to-first-activity latency, warm, one at a time.
(var latencyHost, client, runtime) = await StartHostAsync("latency");
await RunManyAsync(nameof(HelloCities5), 10, "warm");
var latencies = new List<double>();
for (var i = 0; i < 100; i++)
{
    var id = $"latency-{i}";
    var started = Stopwatch.GetTimestamp();
    var done = runtime.WhenCompletedSignalled(id);
    await client.ScheduleNewOrchestrationInstanceAsync(nameof(FirstActivity), null, new StartOrchestrationOptions(id));
    await done;
    latencies.Add(Stopwatch.GetElapsedTime(started, Stamp.Seen[id]).TotalMilliseconds);
    await Task.Delay(20);
}

Console.WriteLine($"(c) start-to-first-activity latency: p50 {Percentile(latencies, 50):F1} ms, p95 {Percentile(latencies, 95):F1} ms (target p95 <= 100 ms)");
await latencyHost.DisposeAsync();

// (d) timer lateness: 200 timers due over ~3 s; lateness = when the orchestrator resumed minus when the timer was due.
(var timerHost, client, runtime) = await StartHostAsync("timers");
var timerIds = Enumerable.Range(0, 200).Select(i => $"timer-{i}").ToList();
var timerDone = timerIds.Select(runtime.WhenCompletedSignalled).ToList();
await Parallel.ForEachAsync(timerIds.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (t, ct) =>
    await client.ScheduleNewOrchestrationInstanceAsync(nameof(TimerLateness), 2000 + (t.i * 5), new StartOrchestrationOptions(t.id), ct));
await Task.WhenAll(timerDone);
var lateness = new List<double>();
foreach (var id in timerIds)
{
    lateness.Add((await client.GetInstanceAsync(id, true))!.ReadOutputAs<double>());
}

Console.WriteLine($"(d) timer lateness: p50 {Percentile(lateness, 50):F0} ms, p95 {Percentile(lateness, 95):F0} ms (target p95 <= 1000 ms)");
await timerHost.DisposeAsync();

// (e) fan-out/fan-in of 1,000 activities.
(var fanHost, client, runtime) = await StartHostAsync("fanout");
watch.Restart();
var fanId = "fan-out";
var fanDone = runtime.WhenCompletedSignalled(fanId);
await client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutFanIn), FanOut, new StartOrchestrationOptions(fanId));
await fanDone;
var fan = await client.GetInstanceAsync(fanId, true);
Console.WriteLine($"(e) fan-out/fan-in of {FanOut} activities: {watch.Elapsed.TotalSeconds:F2} s ({fan!.RuntimeStatus}, sum {fan.ReadOutputAs<long>()}) (target <= 20 s)");
await fanHost.DisposeAsync();

peak.Stop();
Console.WriteLine($"(f) peak working set of this process: {Math.Max(peak.PeakBytes, Process.GetCurrentProcess().PeakWorkingSet64) / 1024.0 / 1024.0:F0} MB (target <= 300 MB; Azurite's node process not included)");

async Task<(BenchHost Host, DurableTaskClient Client, DurableRuntime Runtime)> StartHostAsync(string hub)
{
    var services = new ServiceCollection();
    services.AddDurableTask(
        r => r.AddOrchestrator<HelloCities5>().AddOrchestrator<FirstActivity>().AddOrchestrator<TimerLateness>().AddOrchestrator<FanOutFanIn>()
            .AddActivity<SayHello>().AddActivity<Stamp>().AddActivity<Double>(),
        o => o.TaskHubName = hub).UseAzureStorage(connection);
    var provider = services.BuildServiceProvider();
    var host = new BenchHost(provider);
    await host.StartAsync();
    return (host, provider.GetRequiredService<DurableTaskClient>(), provider.GetRequiredService<DurableRuntime>());
}

async Task RunManyAsync(string orchestrator, int count, string prefix)
{
    var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToList();
    var done = ids.Select(runtime.WhenCompletedSignalled).ToList();
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, ct) =>
        await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, new[] { "Tokyo", "Seattle", "London", "Cairo", "Lima" }, new StartOrchestrationOptions(id), ct));
    await Task.WhenAll(done);
}

static double Percentile(List<double> values, int percentile)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

internal sealed class BenchHost(ServiceProvider provider) : IAsyncDisposable
{
    private readonly List<IHostedService> _hosted = provider.GetServices<IHostedService>().ToList();

    public async Task StartAsync()
    {
        foreach (var h in _hosted)
        {
            await h.StartAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var h in _hosted)
        {
            await h.StopAsync(CancellationToken.None);
        }

        await provider.DisposeAsync();
    }
}

internal sealed class HelloCities5 : TaskOrchestrator<string[], List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, string[] input)
    {
        var results = new List<string>();
        foreach (var city in input)
        {
            results.Add(await context.CallActivityAsync<string>(nameof(SayHello), city));
        }

        return results;
    }
}

internal sealed class FirstActivity : TaskOrchestrator<object?, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, object? input) => context.CallActivityAsync<string>(nameof(Stamp), context.InstanceId);
}

internal sealed class TimerLateness : TaskOrchestrator<int, double>
{
    public override async Task<double> RunAsync(TaskOrchestrationContext context, int input)
    {
        var due = context.CurrentUtcDateTime.AddMilliseconds(input);
        await context.CreateTimer(due, CancellationToken.None);
        return (context.CurrentUtcDateTime - due).TotalMilliseconds;
    }
}

internal sealed class FanOutFanIn : TaskOrchestrator<int, long>
{
    public override async Task<long> RunAsync(TaskOrchestrationContext context, int input)
    {
        var results = await Task.WhenAll(Enumerable.Range(1, input).Select(i => context.CallActivityAsync<int>(nameof(Double), i)));
        return results.Sum(r => (long)r);
    }
}

internal sealed class SayHello : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"Hello {input}!");
}

internal sealed class Double : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input * 2);
}

internal sealed class Stamp : TaskActivity<string, string>
{
    public static ConcurrentDictionary<string, long> Seen { get; } = new();

    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        Seen.TryAdd(input, Stopwatch.GetTimestamp());
        return Task.FromResult(input);
    }
}

/// <summary>What any durable design must do at least, with the plain SDK: a table write per step, a send + receive + delete per hop.</summary>
internal static class StorageFloor
{
    public static int Failures;

    public static string? LastFailure { get; set; }

    public static async Task<TimeSpan> RunAsync(string connection, int orchestrations, int controlConcurrency, int workConcurrency)
    {
        var table = new TableServiceClient(connection).GetTableClient("floorSteps");
        await table.CreateIfNotExistsAsync();
        var control = new QueueClient(connection, "floor-control");
        var work = new QueueClient(connection, "floor-work");
        await control.CreateIfNotExistsAsync();
        await work.CreateIfNotExistsAsync();
        var remaining = orchestrations;
        using var cts = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, orchestrations), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            await control.SendMessageAsync($"{i}:0", ct));
        var consumers = new[]
        {
            PumpAsync(control, controlConcurrency, async (text, ct) =>
            {
                var parts = text.Split(':');
                var step = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                await table.UpsertEntityAsync(new TableEntity(parts[0], parts[1]) { ["State"] = new string('s', 200) }, TableUpdateMode.Replace, ct);
                if (step < 5)
                {
                    await work.SendMessageAsync(text, ct);
                }
                else if (Interlocked.Decrement(ref remaining) == 0)
                {
                    await cts.CancelAsync();
                }
            }, cts.Token),
            PumpAsync(work, workConcurrency, async (text, ct) =>
            {
                var parts = text.Split(':');
                var step = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                await control.SendMessageAsync($"{parts[0]}:{step + 1}", ct);
            }, cts.Token),
        };
        await Task.WhenAll(consumers);
        return watch.Elapsed;
    }

    private static async Task PumpAsync(QueueClient queue, int concurrency, Func<string, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var delay = 10;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(cancellationToken);
                var messages = (await queue.ReceiveMessagesAsync(Math.Min(32, slots.CurrentCount + 1), TimeSpan.FromMinutes(5), cancellationToken)).Value;
                if (messages.Length == 0)
                {
                    slots.Release();
                    await Task.Delay(delay, cancellationToken);
                    delay = Math.Min(delay * 2, 100);
                    continue;
                }

                delay = 10;
                for (var i = 1; i < messages.Length; i++)
                {
                    await slots.WaitAsync(cancellationToken);
                }

                foreach (var message in messages)
                {
                    _ = Task.Run(
                        async () =>
                        {
                            try
                            {
                                await handle(message.Body.ToString(), CancellationToken.None);
                                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
                            }
                            catch (Exception ex)
                            {
                                Interlocked.Increment(ref Failures);
                                LastFailure = ex.Message;
                                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, (string?)null, TimeSpan.Zero, CancellationToken.None);
                            }
                            finally
                            {
                                slots.Release();
                            }
                        },
                        CancellationToken.None);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}

/// <summary>Samples this process's working set, since the peak counter is not available everywhere.</summary>
internal sealed class PeakSampler
{
    private readonly Timer _timer;
    private long _peak;

    public PeakSampler()
    {
        _timer = new Timer(_ => Sample(), null, 0, 100);
    }

    public long PeakBytes => Interlocked.Read(ref _peak);

    public void Stop()
    {
        _timer.Dispose();
        Sample();
    }

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        var current = process.WorkingSet64;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _peak);
        }
        while (current > seen && Interlocked.CompareExchange(ref _peak, current, seen) != seen);
    }
}
