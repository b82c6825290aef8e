using System.Collections.Concurrent;

namespace Serverless.Durable.Tests;

/// <summary>Side effects of test activities, keyed by idempotency key so each happens once.</summary>
public sealed class EffectLog
{
    private int _executions;

    public ConcurrentDictionary<string, string> Effects { get; } = new();

    public int Executions => Volatile.Read(ref _executions);

    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    public void Apply(string idempotencyKey, string value)
    {
        Interlocked.Increment(ref _executions);
        Effects.TryAdd(idempotencyKey, value);
    }
}

public sealed class SayHello : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"Hello {input}");
}

public sealed class RecordEffect(EffectLog log) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        log.Apply(context.IdempotencyKey, input);
        return Task.FromResult(input.ToUpperInvariant());
    }
}

public sealed class Echo : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(input);
}

public sealed class Double : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input * 2);
}

public sealed class FailTwice(EffectLog log) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        var attempt = log.Attempts.AddOrUpdate(context.InstanceId, 1, (_, n) => n + 1);
        return attempt <= 2 ? throw new InvalidOperationException($"attempt {attempt} failed") : Task.FromResult($"ok after {attempt}");
    }
}

public sealed class AlwaysFail : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => throw new InvalidOperationException("boom: " + input);
}

/// <summary>Three activities in a row, each with a recorded side effect.</summary>
public sealed class HelloSequence : TaskOrchestrator<string[], List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, string[] input)
    {
        var results = new List<string>();
        foreach (var name in input)
        {
            results.Add(await context.CallActivityAsync<string>(nameof(RecordEffect), name));
        }

        return results;
    }
}

/// <summary>A chain, a small fan-out, a timer and an event: touches every message kind.</summary>
public sealed class EveryKind : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var a = await context.CallActivityAsync<string>(nameof(RecordEffect), input + "-a");
        var fan = await Task.WhenAll(context.CallActivityAsync<string>(nameof(RecordEffect), input + "-b"), context.CallActivityAsync<string>(nameof(RecordEffect), input + "-c"));
        await context.CreateTimer(TimeSpan.FromMinutes(5), CancellationToken.None);
        context.SetCustomStatus("waiting");
        var approval = await context.WaitForExternalEvent<string>("Approval");
        var child = await context.CallSubOrchestratorAsync<List<string>>(nameof(HelloSequence), new[] { input + "-d" });
        return string.Join(",", [a, .. fan, approval, .. child]);
    }
}

public sealed class FanOutFanIn : TaskOrchestrator<int, long>
{
    public override async Task<long> RunAsync(TaskOrchestrationContext context, int input)
    {
        var tasks = Enumerable.Range(1, input).Select(i => context.CallActivityAsync<int>(nameof(Double), i)).ToList();
        var results = await Task.WhenAll(tasks);
        return results.Sum(r => (long)r);
    }
}

public sealed class WaitAfterTimer : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        await context.CreateTimer(TimeSpan.FromHours(1), CancellationToken.None);
        return await context.WaitForExternalEvent<string>("Approval");
    }
}

public sealed class WaitForApproval : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
        "approved:" + await context.WaitForExternalEvent<string>("Approval");
}

/// <summary>Times out once, then waits again: the late event must reach the second wait.</summary>
public sealed class TimeoutThenWait : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        try
        {
            return "early:" + await context.WaitForExternalEvent<string>("Approval", TimeSpan.FromHours(1));
        }
        catch (TaskCanceledException)
        {
            context.SetCustomStatus("timed out");
        }

        return "late:" + await context.WaitForExternalEvent<string>("Approval");
    }
}

public sealed class CancelledWaitThenWait : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        using var cts = new CancellationTokenSource();
        var first = context.WaitForExternalEvent<string>("Approval", cts.Token);
        cts.Cancel();
        try
        {
            await first;
        }
        catch (TaskCanceledException)
        {
            context.SetCustomStatus("cancelled");
        }

        return "second:" + await context.WaitForExternalEvent<string>("Approval");
    }
}

public sealed class LongTimer : TaskOrchestrator<int, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, int input)
    {
        var started = context.CurrentUtcDateTime;
        await context.CreateTimer(TimeSpan.FromDays(input), CancellationToken.None);
        return $"{(context.CurrentUtcDateTime - started).TotalDays:0}";
    }
}

/// <summary>Generation 0 races an event against a 10-minute timer and continues as new without cancelling it; generation 1 waits for a 1-hour timer with the same sequence number.</summary>
public sealed class Generations : TaskOrchestrator<int, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, int input)
    {
        if (input == 0)
        {
            var timer = context.CreateTimer(TimeSpan.FromMinutes(10), CancellationToken.None);
            var next = context.WaitForExternalEvent<string>("Next");
            await Task.WhenAny(timer, next);
            context.ContinueAsNew(1);
            return "gen0";
        }

        context.SetCustomStatus("gen1 waiting");
        await context.CreateTimer(TimeSpan.FromHours(1), CancellationToken.None);
        return $"gen{input} done";
    }
}

public sealed class Counter : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        if (input >= 3)
        {
            return input;
        }

        await context.CallActivityAsync<int>(nameof(Double), input);
        context.ContinueAsNew(input + 1);
        return input;
    }
}

public sealed class RetryingOrchestrator : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
        context.CallActivityAsync<string>(nameof(FailTwice), input, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(1))));
}

public sealed class FailingOrchestrator : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        try
        {
            return await context.CallActivityAsync<string>(input);
        }
        catch (TaskFailedException ex)
        {
            throw new InvalidOperationException("caught: " + ex.FailureDetails?.ErrorMessage, ex);
        }
    }
}

public sealed class ParentOrchestrator : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var child = await context.CallSubOrchestratorAsync<List<string>>(nameof(HelloSequence), new[] { input });
        return "child said " + child[0];
    }
}

public sealed class EchoOrchestrator : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
        context.CallActivityAsync<string>(nameof(Echo), input);
}

public sealed class GuidsAndStatus : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var first = context.NewGuid();
        context.SetCustomStatus(new { step = 1 });
        await context.CallActivityAsync<string>(nameof(SayHello), input);
        var second = context.NewGuid();
        context.CreateReplaySafeLogger<GuidsAndStatus>();
        return $"{first}|{second}";
    }
}

public sealed class SendsEvent : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        context.SendEvent(input, "Approval", "from " + context.InstanceId);
        return Task.FromResult("sent");
    }
}

[OrchestratorVersion("1")]
public sealed class ApprovalV1 : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var hello = await context.CallActivityAsync<string>(nameof(SayHello), input);
        var answer = await context.WaitForExternalEvent<string>("Approval");
        return $"v1:{hello}:{answer}";
    }
}

[OrchestratorVersion("2", CompatibleWith = ["1"])]
public sealed class ApprovalV2 : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var hello = await context.CallActivityAsync<string>(nameof(SayHello), input);
        var answer = await context.WaitForExternalEvent<string>("Approval");
        if (context.Version == "1")
        {
            return $"v1-path-in-v2:{hello}:{answer}";
        }

        var extra = await context.CallActivityAsync<string>(nameof(Echo), "extra");
        return $"v2:{hello}:{answer}:{extra}";
    }
}

[OrchestratorVersion("3")]
public sealed class ApprovalV3 : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var answer = await context.WaitForExternalEvent<string>("Approval");
        return "v3:" + answer;
    }
}

/// <summary>Same version as <see cref="ApprovalV1"/> but calls a different activity first: replay must fail naming both calls.</summary>
[OrchestratorVersion("1")]
public sealed class ApprovalV1Changed : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var hello = await context.CallActivityAsync<string>(nameof(Echo), input);
        var answer = await context.WaitForExternalEvent<string>("Approval");
        return $"changed:{hello}:{answer}";
    }
}

public static class TestRegistrations
{
    public static void All(DurableTaskRegistry r)
    {
        r.AddActivity<SayHello>().AddActivity<RecordEffect>().AddActivity<Echo>().AddActivity<Double>().AddActivity<FailTwice>().AddActivity<AlwaysFail>();
        r.AddOrchestrator<HelloSequence>().AddOrchestrator<EveryKind>().AddOrchestrator<FanOutFanIn>().AddOrchestrator<WaitAfterTimer>()
            .AddOrchestrator<WaitForApproval>().AddOrchestrator<TimeoutThenWait>().AddOrchestrator<CancelledWaitThenWait>().AddOrchestrator<LongTimer>()
            .AddOrchestrator<Generations>().AddOrchestrator<Counter>().AddOrchestrator<RetryingOrchestrator>().AddOrchestrator<FailingOrchestrator>()
            .AddOrchestrator<ParentOrchestrator>().AddOrchestrator<EchoOrchestrator>().AddOrchestrator<GuidsAndStatus>().AddOrchestrator<SendsEvent>()
            .AddOrchestrator<AnsweredChildren>().AddOrchestrator<AnsweredChild>();
    }
}

/// <summary>The shape of an invitation campaign: one child per invitee, each answered by an event from outside.</summary>
public sealed class AnsweredChildren : TaskOrchestrator<int, int>
{
    public static string ChildId(string parentId, int i) => $"{parentId}-c{i}";

    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var children = Enumerable.Range(0, input)
            .Select(i => context.CallSubOrchestratorAsync<int>(nameof(AnsweredChild), i, new SubOrchestrationOptions(ChildId(context.InstanceId, i))))
            .ToList();
        return (await Task.WhenAll(children)).Sum();
    }
}

/// <summary>Records an effect, then waits for "Answer" racing a far deadline, as an invitee does.</summary>
public sealed class AnsweredChild : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        await context.CallActivityAsync<string>(nameof(RecordEffect), context.InstanceId);
        using var cts = new CancellationTokenSource();
        var answer = context.WaitForExternalEvent<int>("Answer", cts.Token);
        var deadline = context.CreateTimer(context.CurrentUtcDateTime.AddDays(30), cts.Token);
        if (await Task.WhenAny(answer, deadline) == deadline)
        {
            return -1;
        }

        cts.Cancel();
        return await answer;
    }
}
