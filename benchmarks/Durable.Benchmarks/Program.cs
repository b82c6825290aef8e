using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Storage;

namespace Durable.Benchmarks;

/// <summary>
/// Figures of the orchestration engine as the app hosts it: its own in-memory Azurite, a host that
/// calls the app's <c>AddStorage</c> and <c>AddDurable</c> with a fresh task hub, then start to first
/// activity, timer lateness, fan-out/fan-in, chains, peak working set, and the raw storage round trip
/// on the same Azurite as the floor. Prints; asserts nothing.
/// </summary>
internal static class BenchmarkProgram
{
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(10);

    public static async Task<int> Main(string[] args)
    {
        var arguments = new ConfigurationBuilder().AddCommandLine(args).Build();
        var instances = arguments.GetValue("instances", 200);
        var fanout = arguments.GetValue("fanout", 1000);
        var timers = arguments.GetValue("timers", 100);
        var sequential = arguments.GetValue("sequential", 50);
        var paceMs = arguments.GetValue("pace", 0);
        var hub = "bench" + Guid.NewGuid().ToString("N")[..12];

        Console.WriteLine($"Durable benchmark: instances {instances}, fan-out {fanout}, timers {timers}, sequential {sequential}, pace {paceMs} ms, task hub {hub}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {LoadAverage()} (1, 5, 15 min)");

        await using var azurite = new Azurite();
        await azurite.StartAsync();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Durable:TaskHubName"] = hub,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Configuration.AddCommandLine(args); // --Durable:PartitionCount=1, --Durable:MaxQueuePollingInterval=00:00:05 …
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddStorage();
        builder.AddDurable();
        builder.Services.AddOrchestrations(registry => registry
            .AddOrchestrator<FirstActivityOrchestrator>()
            .AddOrchestrator<TimerOrchestrator>()
            .AddOrchestrator<FanOutOrchestrator>()
            .AddOrchestrator<ChainOrchestrator>()
            .AddActivity<MarkStarted>()
            .AddActivity<Increment>());

        using var host = builder.Build();
        var durable = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DurableOptions>>().Value;
        Console.WriteLine($"Durable settings: PartitionCount {durable.PartitionCount}, MaxQueuePollingInterval {durable.MaxQueuePollingInterval}, " +
            $"MaxConcurrentOrchestrations {durable.MaxConcurrentOrchestrations}, MaxConcurrentActivities {durable.MaxConcurrentActivities}, ControlQueueBatchSize {durable.ControlQueueBatchSize}");

        using var memory = new MemorySampler(azurite.Process);
        var rows = new List<Row>();
        var started = Stopwatch.GetTimestamp();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        if (host.Services.GetRequiredService<DurableSidecar>().Problem is { } problem)
        {
            Console.WriteLine("The engine did not start: " + problem);
            return 1;
        }

        // Warm-up: the first instances wait for the partitions to be taken and pay for compiling every path.
        await RunChainsAsync(client, 10, "warm");
        rows.Add(new("engine start to 10 warm-up chains done", Seconds(Stopwatch.GetElapsedTime(started)), null, null));

        var cpu = new CpuMeter(azurite.Process);
        await MeasureFloorAsync(host.Services, client, rows);
        rows.Add(cpu.Row("  cpu during the floor"));

        cpu = new CpuMeter(azurite.Process);
        await MeasureFirstActivityAsync(client, sequential, null, "one at a time", rows);
        rows.Add(cpu.Row("  cpu during (1) one at a time"));
        if (paceMs > 0)
        {
            cpu = new CpuMeter(azurite.Process);
            await MeasureFirstActivityAsync(client, instances, TimeSpan.FromMilliseconds(paceMs), $"paced, one start every {paceMs} ms", rows);
            rows.Add(cpu.Row("  cpu during (1) paced"));
        }

        cpu = new CpuMeter(azurite.Process);
        await MeasureFirstActivityAsync(client, instances, TimeSpan.Zero, "all at once", rows);
        rows.Add(cpu.Row("  cpu during (1) all at once"));

        cpu = new CpuMeter(azurite.Process);
        await MeasureTimersAsync(client, timers, rows);
        rows.Add(cpu.Row("  cpu during (2)"));

        cpu = new CpuMeter(azurite.Process);
        var id = "fanout-" + Guid.NewGuid().ToString("N");
        var t0 = Stopwatch.GetTimestamp();
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutOrchestrator), fanout, new StartOrchestrationOptions(id));
        var fanIn = await Recorder.WhenReported("done:" + id).WaitAsync(PhaseTimeout);
        var fanSeconds = Stopwatch.GetElapsedTime(t0, fanIn).TotalSeconds;
        rows.Add(new($"(3) fan-out/fan-in of {fanout:N0} activities", $"{fanSeconds:F1} s ({fanout / fanSeconds:F0} activities/s)", "≤ 20 s", fanout == 1000 ? fanSeconds <= 20 : null));
        rows.Add(cpu.Row("  cpu during (3)"));

        cpu = new CpuMeter(azurite.Process);
        t0 = Stopwatch.GetTimestamp();
        await RunChainsAsync(client, instances, "chain");
        var chainSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        rows.Add(new($"(4) {instances} chains of 5 activities", $"{chainSeconds:F1} s ({instances * 5 / chainSeconds:F0} activities/s)", null, null));
        rows.Add(cpu.Row("  cpu during (4)"));

        memory.Sample();
        var peak = Math.Max(memory.PeakSelf, Process.GetCurrentProcess().PeakWorkingSet64) / 1048576.0;
        rows.Add(new("(5) peak working set of this process (engine + benchmark)", $"{peak:F0} MB", "≤ 300 MB", peak <= 300));
        rows.Add(new("    peak working set of Azurite (node, not the app)", $"{memory.PeakAzurite / 1048576.0:F0} MB", null, null));
        rows.Add(new("    managed heap after the run", $"{GC.GetTotalMemory(false) / 1048576.0:F0} MB", null, null));

        await host.StopAsync();
        Print(rows);
        Console.WriteLine($"Load average at the end: {LoadAverage()} (1, 5, 15 min)");
        return 0;
    }

    /// <summary>The floor: what one storage round trip costs on this Azurite, and one sidecar call that reads one table row.</summary>
    private static async Task MeasureFloorAsync(IServiceProvider services, DurableTaskClient client, List<Row> rows)
    {
        const int Samples = 200;
        var clients = services.GetRequiredService<StorageClients>();
        var table = clients.Tables.GetTableClient("benchfloor");
        await table.CreateIfNotExistsAsync();
        var queue = clients.Queues.GetQueueClient("benchfloor");
        await queue.CreateIfNotExistsAsync();

        var insert = new List<double>();
        var queueTrip = new List<double>();
        var sidecar = new List<double>();
        for (var i = 0; i < Samples; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            await table.AddEntityAsync(new TableEntity("floor", i.ToString("D6", CultureInfo.InvariantCulture)) { ["Value"] = i });
            insert.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);

            t0 = Stopwatch.GetTimestamp();
            await queue.SendMessageAsync("floor");
            var received = await queue.ReceiveMessageAsync();
            queueTrip.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (received.Value is { } message)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }

            t0 = Stopwatch.GetTimestamp();
            await client.GetInstanceAsync("missing-" + i.ToString(CultureInfo.InvariantCulture));
            sidecar.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        rows.Add(new("floor: table point insert", Percentiles(insert), null, null));
        rows.Add(new("floor: queue add + receive", Percentiles(queueTrip), null, null));
        rows.Add(new("floor: client → sidecar → Instances table read", Percentiles(sidecar), null, null));
    }

    /// <summary>
    /// (1) From the ScheduleNew call to the start of the orchestration's first activity: one start
    /// every <paramref name="pace"/>, all at once (zero), or each after the previous one's activity ran (null).
    /// </summary>
    private static async Task MeasureFirstActivityAsync(DurableTaskClient client, int count, TimeSpan? pace, string label, List<Row> rows)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var calls = new List<Task<(double Latency, double Call)>>();
        for (var i = 0; i < count; i++)
        {
            calls.Add(StartOneAsync($"first-{run}-{i}"));
            if (pace is null)
            {
                await calls[^1].WaitAsync(PhaseTimeout);
            }
            else if (pace > TimeSpan.Zero)
            {
                await Task.Delay(pace.Value);
            }
        }

        var results = await Task.WhenAll(calls).WaitAsync(PhaseTimeout);
        var latencies = results.Select(r => r.Latency).ToList();
        var p95 = Percentile(latencies, 95);
        rows.Add(new($"(1) start → first activity, {count} {label}", Percentiles(latencies), "p95 ≤ 100 ms", p95 <= 100));
        rows.Add(new($"    ScheduleNew call itself ({label})", Percentiles(results.Select(r => r.Call).ToList()), null, null));

        async Task<(double, double)> StartOneAsync(string id)
        {
            var t0 = Stopwatch.GetTimestamp();
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(FirstActivityOrchestrator), id, new StartOrchestrationOptions(id));
            var call = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            var ran = await Recorder.WhenReported("activity:" + id);
            return (Stopwatch.GetElapsedTime(t0, ran).TotalMilliseconds, call);
        }
    }

    /// <summary>(2) Timers 3-5 s ahead, all started at once: how late each orchestrator resumed after its due time.</summary>
    private static async Task MeasureTimersAsync(DurableTaskClient client, int count, List<Row> rows)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var ids = Enumerable.Range(0, count).Select(i => $"timer-{run}-{i}").ToList();
        await Task.WhenAll(ids.Select((id, i) =>
            client.ScheduleNewOrchestrationInstanceAsync(nameof(TimerOrchestrator), 3000 + (i * 2000 / Math.Max(1, count)), new StartOrchestrationOptions(id))));
        var lateness = (await Task.WhenAll(ids.Select(id => Recorder.WhenReported("timer:" + id))).WaitAsync(PhaseTimeout))
            .Select(ticks => TimeSpan.FromTicks(ticks).TotalMilliseconds).ToList();
        var p95 = Percentile(lateness, 95);
        rows.Add(new($"(2) timer lateness, {count} timers 3-5 s ahead", Percentiles(lateness), "p95 ≤ 1,000 ms", p95 <= 1000));
    }

    private static async Task RunChainsAsync(DurableTaskClient client, int count, string prefix)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{run}-{i}").ToList();
        await Task.WhenAll(ids.Select((id, i) => client.ScheduleNewOrchestrationInstanceAsync(nameof(ChainOrchestrator), i, new StartOrchestrationOptions(id))));
        await Task.WhenAll(ids.Select(id => Recorder.WhenReported("done:" + id))).WaitAsync(PhaseTimeout);
    }

    private static string Percentiles(List<double> values) =>
        $"p50 {Percentile(values, 50):F0} ms, p95 {Percentile(values, 95):F0} ms, max {values.Max():F0} ms";

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private static string Seconds(TimeSpan elapsed) => $"{elapsed.TotalSeconds:F1} s";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static void Print(List<Row> rows)
    {
        var width = rows.Max(r => r.Name.Length) + 2;
        var figureWidth = rows.Max(r => r.Figure.Length) + 2;
        Console.WriteLine();
        Console.WriteLine("measure".PadRight(width) + "figure".PadRight(figureWidth) + "target".PadRight(16) + "verdict");
        Console.WriteLine(new string('-', width + figureWidth + 16 + 7));
        foreach (var row in rows)
        {
            var verdict = row.Met switch { true => "MET", false => "NOT MET", null => "" };
            Console.WriteLine(row.Name.PadRight(width) + row.Figure.PadRight(figureWidth) + (row.Target ?? "").PadRight(16) + verdict);
        }
    }

    private sealed record Row(string Name, string Figure, string? Target, bool? Met);

    /// <summary>CPU seconds this process and Azurite used since it was created.</summary>
    private sealed class CpuMeter(Process azurite)
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly TimeSpan _self = Process.GetCurrentProcess().TotalProcessorTime;
        private readonly TimeSpan _azurite = Cpu(azurite);

        public Row Row(string name)
        {
            var wall = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            var self = (Process.GetCurrentProcess().TotalProcessorTime - _self).TotalSeconds;
            var node = (Cpu(azurite) - _azurite).TotalSeconds;
            return new(name, $"{wall:F1} s wall; cpu app {self:F1} s, Azurite {node:F1} s", null, null);
        }

        private static TimeSpan Cpu(Process process)
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>Samples the working set of this process and of Azurite every 100 ms.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly Process _azurite;
        private readonly Timer _timer;

        public MemorySampler(Process azurite)
        {
            _azurite = azurite;
            _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        }

        public long PeakSelf { get; private set; }

        public long PeakAzurite { get; private set; }

        public void Sample()
        {
            lock (_timer)
            {
                using var self = Process.GetCurrentProcess();
                PeakSelf = Math.Max(PeakSelf, self.WorkingSet64);
                _azurite.Refresh();
                PeakAzurite = Math.Max(PeakAzurite, _azurite.WorkingSet64);
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}
