using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.DurableTask;

namespace Durable.Benchmarks;

/// <summary>
/// Moments the benchmark's orchestrators and activities report, keyed by name. The first report of a
/// key wins: activities run at least once, and a repeated run must not move a figure.
/// </summary>
internal static class Recorder
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<long>> Signals = new();

    /// <summary>Reports <paramref name="value"/> (by default the <see cref="Stopwatch"/> timestamp of now) under <paramref name="key"/>.</summary>
    public static void Report(string key, long? value = null) => Get(key).TrySetResult(value ?? Stopwatch.GetTimestamp());

    public static Task<long> WhenReported(string key) => Get(key).Task;

    private static TaskCompletionSource<long> Get(string key) =>
        Signals.GetOrAdd(key, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>(1) Calls one activity, which reports when it started.</summary>
internal sealed class FirstActivityOrchestrator : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
        context.CallActivityAsync<string>(nameof(MarkStarted), context.InstanceId);
}

internal sealed class MarkStarted : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        Recorder.Report("activity:" + input);
        return Task.FromResult(input);
    }
}

/// <summary>(2) Waits on a durable timer <c>input</c> milliseconds ahead and reports how late it resumed, in ticks.</summary>
internal sealed class TimerOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var due = context.CurrentUtcDateTime.AddMilliseconds(input);
        await context.CreateTimer(due, CancellationToken.None);
        if (!context.IsReplaying)
        {
            // The wall clock on purpose: the lateness of the timer is what is measured (first execution only).
#pragma warning disable DURABLE0001
            Recorder.Report("timer:" + context.InstanceId, (DateTime.UtcNow - due).Ticks);
#pragma warning restore DURABLE0001
        }

        return input;
    }
}

/// <summary>(3) Fans out <c>input</c> activities and fans in their results.</summary>
internal sealed class FanOutOrchestrator : TaskOrchestrator<int, long>
{
    public override async Task<long> RunAsync(TaskOrchestrationContext context, int input)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, input).Select(i => context.CallActivityAsync<int>(nameof(Increment), i)));
        if (!context.IsReplaying)
        {
            Recorder.Report("done:" + context.InstanceId);
        }

        return results.Sum(r => (long)r);
    }
}

/// <summary>(4) Five activities one after another.</summary>
internal sealed class ChainOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var value = input;
        for (var step = 0; step < 5; step++)
        {
            value = await context.CallActivityAsync<int>(nameof(Increment), value);
        }

        if (!context.IsReplaying)
        {
            Recorder.Report("done:" + context.InstanceId);
        }

        return value;
    }
}

internal sealed class Increment : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input + 1);
}
