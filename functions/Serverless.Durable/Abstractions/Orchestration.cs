using Microsoft.Extensions.Logging;

namespace Serverless.Durable;

/// <summary>Non-generic view of an orchestrator, used by the runtime.</summary>
public interface ITaskOrchestrator
{
    /// <summary>The input type.</summary>
    Type InputType { get; }

    /// <summary>Runs the orchestrator with an already deserialised input.</summary>
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}

/// <summary>
/// Base class of an orchestrator. Its code is replayed from history, so it must be deterministic:
/// no I/O, no <c>DateTime.Now</c>, <c>Guid.NewGuid</c>, <c>Task.Run</c>, <c>Task.Delay</c>, <c>CancellationTokenSource.CancelAsync</c> (use <c>Cancel</c>) or
/// <c>ConfigureAwait(false)</c>; use the context instead.
/// </summary>
/// <typeparam name="TInput">Input type.</typeparam>
/// <typeparam name="TOutput">Output type.</typeparam>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    /// <inheritdoc />
    public Type InputType => typeof(TInput);

    /// <summary>The orchestration logic.</summary>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    /// <inheritdoc />
    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}

/// <summary>Non-generic view of an activity, used by the runtime.</summary>
public interface ITaskActivity
{
    /// <summary>The input type.</summary>
    Type InputType { get; }

    /// <summary>Runs the activity with an already deserialised input.</summary>
    Task<object?> RunAsync(TaskActivityContext context, object? input);
}

/// <summary>Base class of an activity: the place for I/O. Activities may run more than once; use <see cref="TaskActivityContext.IdempotencyKey"/> to make side effects happen once.</summary>
/// <typeparam name="TInput">Input type.</typeparam>
/// <typeparam name="TOutput">Output type.</typeparam>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    /// <inheritdoc />
    public Type InputType => typeof(TInput);

    /// <summary>The activity logic.</summary>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    /// <inheritdoc />
    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}

/// <summary>What an activity knows about its execution.</summary>
/// <param name="Name">Activity name.</param>
/// <param name="InstanceId">The calling orchestration instance.</param>
/// <param name="TaskId">The call's sequence number in the orchestration.</param>
/// <param name="IdempotencyKey">Stable across retries of the same call: instance, execution and task id.</param>
public sealed record TaskActivityContext(string Name, string InstanceId, int TaskId, string IdempotencyKey);

/// <summary>Marks the version of an orchestrator; the version is recorded on every instance it starts.</summary>
/// <param name="version">This code's version.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OrchestratorVersionAttribute(string version) : Attribute
{
    /// <summary>This code's version.</summary>
    public string Version { get; } = version;

    /// <summary>
    /// Older versions whose instances this code can replay (it branches on
    /// <see cref="TaskOrchestrationContext.Version"/>). Instances of other versions fail with a
    /// clear version-mismatch error instead of running code they were not started with.
    /// </summary>
    public string[] CompatibleWith { get; init; } = [];
}

/// <summary>Retry policy for activity and sub-orchestration calls.</summary>
/// <param name="MaxNumberOfAttempts">Attempts in total, the first included.</param>
/// <param name="FirstRetryInterval">Delay before the first retry.</param>
/// <param name="BackoffCoefficient">Multiplier of the delay after each retry.</param>
/// <param name="MaxRetryInterval">Upper bound of the delay.</param>
public sealed record RetryPolicy(int MaxNumberOfAttempts, TimeSpan FirstRetryInterval, double BackoffCoefficient = 1.0, TimeSpan? MaxRetryInterval = null)
{
    internal TimeSpan DelayBefore(int retryNumber)
    {
        var delay = FirstRetryInterval * Math.Pow(BackoffCoefficient, retryNumber - 1);
        return MaxRetryInterval is { } max && delay > max ? max : delay;
    }
}

/// <summary>Options of an activity or sub-orchestration call.</summary>
public record TaskOptions
{
    /// <summary>Creates options with an optional retry policy.</summary>
    public TaskOptions(RetryPolicy? retry = null)
    {
        Retry = retry;
    }

    /// <summary>Retry policy, or null for one attempt.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>Options with a retry policy.</summary>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
}

/// <summary>Options of a sub-orchestration call.</summary>
public sealed record SubOrchestrationOptions : TaskOptions
{
    /// <summary>Creates options.</summary>
    public SubOrchestrationOptions(string? instanceId = null, RetryPolicy? retry = null)
        : base(retry)
    {
        InstanceId = instanceId;
    }

    /// <summary>The child's instance id; a deterministic one is derived from the parent by default.</summary>
    public string? InstanceId { get; init; }
}

/// <summary>
/// The orchestrator's only door to the world. Every call is recorded in history and replayed, so
/// the orchestrator's code runs deterministically.
/// </summary>
public abstract class TaskOrchestrationContext
{
    /// <summary>The orchestrator name.</summary>
    public abstract string Name { get; }

    /// <summary>The instance id.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The orchestrator version this instance started with.</summary>
    public abstract string Version { get; }

    /// <summary>The deterministic current time (the time the current episode started, replayed from history).</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code re-runs past history.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>The input, deserialised as <typeparamref name="T"/>.</summary>
    public abstract T? GetInput<T>();

    /// <summary>Calls an activity and returns its result.</summary>
    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <summary>Calls an activity.</summary>
    public Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    /// <summary>Runs another orchestrator as a child and returns its output.</summary>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null);

    /// <summary>Runs another orchestrator as a child.</summary>
    public Task CallSubOrchestratorAsync(string orchestratorName, object? input = null, TaskOptions? options = null) =>
        CallSubOrchestratorAsync<object?>(orchestratorName, input, options);

    /// <summary>A durable timer firing at <paramref name="fireAt"/> (UTC), of any length; cancel it with the token.</summary>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>A durable timer firing after <paramref name="delay"/>.</summary>
    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) =>
        CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>
    /// Waits for an external event. Events raised earlier are kept in the inbox and consumed by the
    /// first wait for their name; a cancelled wait consumes nothing.
    /// </summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an external event for at most <paramref name="timeout"/> (a durable timer); throws <see cref="TaskCanceledException"/> on timeout and consumes nothing.</summary>
    public Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout) =>
        WaitForExternalEvent<T>(eventName, timeout, CancellationToken.None);

    /// <summary>Waits for an external event with a timeout and a cancellation token.</summary>
    public async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timerCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var eventCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = CreateTimer(CurrentUtcDateTime.Add(timeout), timerCts.Token);
        var received = WaitForExternalEvent<T>(eventName, eventCts.Token);
        var winner = await Task.WhenAny(timer, received);
        if (winner == received)
        {
            timerCts.Cancel();
        }
        else
        {
            eventCts.Cancel();
        }

        return await received;
    }

    /// <summary>Raises an event on another instance (dropped if it does not exist).</summary>
    public abstract void SendEvent(string instanceId, string eventName, object? payload);

    /// <summary>Sets the custom status stored with the instance.</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>Restarts this instance with fresh history and a new input once the orchestrator returns.</summary>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A deterministic new GUID.</summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that writes nothing while the code replays.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    /// <summary>A logger that writes nothing while the code replays.</summary>
    public ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T).FullName ?? typeof(T).Name);
}
