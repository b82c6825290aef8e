using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Serverless.Durable.Core;

/// <summary>What one episode produced: new history, outgoing messages and the resulting state.</summary>
internal sealed class EpisodeResult
{
    public List<HistoryEvent> NewEvents { get; } = [];

    public List<OutboxAction> Actions { get; } = [];

    public OrchestrationRuntimeStatus Status { get; set; } = OrchestrationRuntimeStatus.Running;

    public string? Output { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    public bool CustomStatusSet { get; set; }

    public string? CustomStatus { get; set; }

    public bool ContinuedAsNew { get; set; }

    public string? NewInput { get; set; }

    public List<(string Name, string? Data)> CarriedEvents { get; } = [];
}

/// <summary>Runs inline every continuation posted to it, so only one piece of orchestrator code runs at a time.</summary>
internal sealed class OrchestrationSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _work = new();

    public override void Post(SendOrPostCallback d, object? state) => _work.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;

    public void Drain()
    {
        while (_work.TryDequeue(out var item))
        {
            item.Callback(item.State);
        }
    }
}

/// <summary>
/// Replays an orchestrator over its history and applies new events, on a single-threaded
/// synchronization context. Each context call takes the next sequence number and must match the
/// history's scheduled event of that number.
/// </summary>
internal sealed class OrchestrationExecutor : TaskOrchestrationContext
{
    private readonly ITaskOrchestrator _orchestrator;
    private readonly string _instanceId;
    private readonly string _executionId;
    private readonly string _name;
    private readonly string _version;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Dictionary<int, HistoryEvent> _scheduled = [];
    private readonly HashSet<int> _matched = [];
    private readonly Dictionary<int, Action<HistoryEvent>> _pending = [];
    private readonly Dictionary<string, List<Action<string?>>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Name, string? Data)> _buffered = [];
    private readonly EpisodeResult _result = new();
    private readonly OrchestrationSynchronizationContext _sync = new();
    private string? _input;
    private int _sequence;
    private int _guidCounter;
    private bool _replaying = true;
    private DateTime _now;
    private Task<object?>? _task;
    private Exception? _fatal;
    private bool _continueAsNew;
    private bool _preserveEvents;
    private string? _newInput;

    public OrchestrationExecutor(ITaskOrchestrator orchestrator, string instanceId, string executionId, string name, string version, ILoggerFactory? loggerFactory)
    {
        _orchestrator = orchestrator;
        _instanceId = instanceId;
        _executionId = executionId;
        _name = name;
        _version = version;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    public override string Name => _name;

    public override string InstanceId => _instanceId;

    public override string Version => _version;

    public override DateTime CurrentUtcDateTime => _now;

    public override bool IsReplaying => _replaying;

    public EpisodeResult Execute(IReadOnlyList<HistoryEvent> past, IReadOnlyList<HistoryEvent> newEvents)
    {
        foreach (var e in past)
        {
            if (e.Kind is EventKind.TaskScheduled or EventKind.TimerCreated or EventKind.SubOrchestrationCreated or EventKind.EventSent)
            {
                _scheduled[e.TaskId] = e;
            }
        }

        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_sync);
        try
        {
            for (var i = 0; i < past.Count + newEvents.Count && _fatal is null; i++)
            {
                var isNew = i >= past.Count;
                var e = isNew ? newEvents[i - past.Count] : past[i];
                _replaying = !isNew;
                if (isNew)
                {
                    _result.NewEvents.Add(e);
                }

                Apply(e);
                _sync.Drain();
            }

            _replaying = false;
            if (_fatal is null)
            {
                var unmatched = _scheduled.Keys.Where(k => !_matched.Contains(k)).Order().FirstOrDefault(-1);
                if (unmatched >= 0 && _task is not null)
                {
                    var e = _scheduled[unmatched];
                    _fatal = new NonDeterministicOrchestrationException(
                        $"Non-deterministic orchestrator '{_name}': history has {e.Kind} '{e.Name}' as call #{unmatched}, but the code made no such call.");
                }
            }
        }
        catch (Exception ex)
        {
            _fatal ??= ex;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        if (_fatal is not null)
        {
            _result.Status = OrchestrationRuntimeStatus.Failed;
            _result.Failure = TaskFailureDetails.FromException(_fatal);
            _result.Actions.Clear();
            return _result;
        }

        if (_task is { IsCompleted: true })
        {
            if (_task.IsCompletedSuccessfully)
            {
                if (_continueAsNew)
                {
                    _result.ContinuedAsNew = true;
                    _result.Status = OrchestrationRuntimeStatus.ContinuedAsNew;
                    _result.NewInput = _newInput;
                    if (_preserveEvents)
                    {
                        _result.CarriedEvents.AddRange(_buffered);
                    }
                }
                else
                {
                    _result.Status = OrchestrationRuntimeStatus.Completed;
                    _result.Output = JsonSerializer.Serialize(_task.Result, DurableJson.Options);
                }
            }
            else
            {
                var ex = _task.Exception?.InnerException ?? (Exception)new TaskCanceledException("The orchestrator was canceled.");
                _result.Status = OrchestrationRuntimeStatus.Failed;
                _result.Failure = TaskFailureDetails.FromException(ex);
            }
        }

        return _result;
    }

    public override T? GetInput<T>() where T : default => _input is null ? default : JsonSerializer.Deserialize<T>(_input, DurableJson.Options);

    public override async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        if (options?.Retry is not { } retry)
        {
            return await CallActivityOnceAsync<TResult>(name, input);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CallActivityOnceAsync<TResult>(name, input);
            }
            catch (TaskFailedException) when (attempt < retry.MaxNumberOfAttempts)
            {
                await CreateTimer(_now.Add(retry.DelayBefore(attempt)), CancellationToken.None);
            }
        }
    }

    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null)
    {
        var explicitId = (options as SubOrchestrationOptions)?.InstanceId;
        if (options?.Retry is not { } retry)
        {
            return await CallSubOrchestratorOnceAsync<TResult>(orchestratorName, input, explicitId);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CallSubOrchestratorOnceAsync<TResult>(orchestratorName, input, explicitId is null ? null : attempt == 1 ? explicitId : $"{explicitId}:{attempt}");
            }
            catch (TaskFailedException) when (attempt < retry.MaxNumberOfAttempts)
            {
                await CreateTimer(_now.Add(retry.DelayBefore(attempt)), CancellationToken.None);
            }
        }
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var fireAtUtc = new DateTimeOffset(DateTime.SpecifyKind(fireAt, DateTimeKind.Utc));
        var seq = Schedule(EventKind.TimerCreated, "timer", e =>
        {
            e.FireAt = fireAtUtc;
        });
        var tcs = new TaskCompletionSource();
        if (seq < 0)
        {
            return tcs.Task;
        }

        if (!_scheduled.ContainsKey(seq))
        {
            _result.Actions.Add(new OutboxAction
            {
                Id = MessageId(seq, "timer"),
                Kind = OutboxKind.Timer,
                Due = fireAtUtc,
                Message = new WorkMessage
                {
                    Id = MessageId(seq, "fired"),
                    Kind = MessageKind.TimerFired,
                    InstanceId = _instanceId,
                    ExecutionId = _executionId,
                    TaskId = seq,
                    FireAt = fireAtUtc,
                },
            });
        }

        _pending[seq] = _ => tcs.TrySetResult();
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                _pending.Remove(seq);
                tcs.TrySetCanceled(cancellationToken);
            });
        }

        return tcs.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        var tcs = new TaskCompletionSource<T>();
        var index = _buffered.FindIndex(b => string.Equals(b.Name, eventName, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            var data = _buffered[index].Data;
            _buffered.RemoveAt(index);
            Complete(tcs, data);
            return tcs.Task;
        }

        if (!_waiters.TryGetValue(eventName, out var list))
        {
            list = [];
            _waiters[eventName] = list;
        }

        Action<string?> waiter = data => Complete(tcs, data);
        list.Add(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (list.Remove(waiter))
                {
                    tcs.TrySetCanceled(cancellationToken);
                }
            });
        }

        return tcs.Task;
    }

    public override void SendEvent(string instanceId, string eventName, object? payload)
    {
        var data = JsonSerializer.Serialize(payload, DurableJson.Options);
        var seq = Schedule(EventKind.EventSent, eventName, e =>
        {
            e.Target = instanceId;
            e.Data = data;
        });
        if (seq >= 0 && !_scheduled.ContainsKey(seq))
        {
            _result.Actions.Add(new OutboxAction
            {
                Id = MessageId(seq, "send"),
                Kind = OutboxKind.Inbox,
                Message = new WorkMessage
                {
                    Id = MessageId(seq, "event"),
                    Kind = MessageKind.EventRaised,
                    InstanceId = instanceId,
                    Name = eventName,
                    Data = data,
                },
            });
        }

        if (seq >= 0)
        {
            _matched.Add(seq);
        }
    }

    public override void SetCustomStatus(object? customStatus)
    {
        _result.CustomStatusSet = true;
        _result.CustomStatus = customStatus is null ? null : JsonSerializer.Serialize(customStatus, DurableJson.Options);
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        _continueAsNew = true;
        _preserveEvents = preserveUnprocessedEvents;
        _newInput = JsonSerializer.Serialize(newInput, DurableJson.Options);
    }

    public override Guid NewGuid()
    {
        var name = $"{_instanceId}_{_now.Ticks}_{_guidCounter++}";
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(name));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    public override ILogger CreateReplaySafeLogger(string categoryName) => new ReplaySafeLogger(this, _loggerFactory.CreateLogger(categoryName));

    private static void Complete<T>(TaskCompletionSource<T> tcs, string? data)
    {
        try
        {
            tcs.TrySetResult(data is null ? default! : JsonSerializer.Deserialize<T>(data, DurableJson.Options)!);
        }
        catch (JsonException ex)
        {
            tcs.TrySetException(ex);
        }
    }

    private string MessageId(int seq, string suffix) => $"{_instanceId}|{_executionId}|{seq}|{suffix}";

    private async Task<TResult> CallActivityOnceAsync<TResult>(string name, object? input)
    {
        var data = JsonSerializer.Serialize(input, DurableJson.Options);
        var seq = Schedule(EventKind.TaskScheduled, name, e => e.Data = data);
        var tcs = new TaskCompletionSource<TResult>();
        if (seq < 0)
        {
            return await tcs.Task;
        }

        if (!_scheduled.ContainsKey(seq))
        {
            _result.Actions.Add(new OutboxAction
            {
                Id = MessageId(seq, "work"),
                Kind = OutboxKind.WorkItem,
                Message = new WorkMessage
                {
                    Id = MessageId(seq, "work"),
                    Kind = MessageKind.ActivityRequest,
                    InstanceId = _instanceId,
                    ExecutionId = _executionId,
                    TaskId = seq,
                    Name = name,
                    Data = data,
                },
            });
        }

        _pending[seq] = e =>
        {
            if (e.Kind == EventKind.TaskCompleted)
            {
                Complete(tcs, e.Data);
            }
            else
            {
                tcs.TrySetException(new TaskFailedException(name, seq, e.Failure ?? new TaskFailureDetails("Unknown", "Unknown failure")));
            }
        };
        return await tcs.Task;
    }

    private async Task<TResult> CallSubOrchestratorOnceAsync<TResult>(string orchestratorName, object? input, string? explicitId)
    {
        var data = JsonSerializer.Serialize(input, DurableJson.Options);
        var childId = explicitId ?? $"{_instanceId}:{_sequence:D4}";
        var seq = Schedule(EventKind.SubOrchestrationCreated, orchestratorName, e =>
        {
            e.Target = childId;
            e.Data = data;
        });
        var tcs = new TaskCompletionSource<TResult>();
        if (seq < 0)
        {
            return await tcs.Task;
        }

        if (!_scheduled.ContainsKey(seq))
        {
            _result.Actions.Add(new OutboxAction
            {
                Id = MessageId(seq, "sub"),
                Kind = OutboxKind.CreateInstance,
                Message = new WorkMessage
                {
                    Id = $"{childId}|start",
                    Kind = MessageKind.ExecutionStarted,
                    InstanceId = childId,
                    Name = orchestratorName,
                    Data = data,
                    ParentInstanceId = _instanceId,
                    ParentExecutionId = _executionId,
                    ParentTaskId = seq,
                },
            });
        }

        _pending[seq] = e =>
        {
            if (e.Kind == EventKind.SubOrchestrationCompleted)
            {
                Complete(tcs, e.Data);
            }
            else
            {
                tcs.TrySetException(new TaskFailedException(orchestratorName, seq, e.Failure ?? new TaskFailureDetails("Unknown", "Unknown failure")));
            }
        };
        return await tcs.Task;
    }

    /// <summary>Takes the next sequence number and checks it against history; records a new event when history has none.</summary>
    private int Schedule(EventKind kind, string name, Action<HistoryEvent> fill)
    {
        if (_fatal is not null)
        {
            return -1;
        }

        var seq = _sequence++;
        if (_scheduled.TryGetValue(seq, out var recorded))
        {
            if (recorded.Kind != kind || (kind != EventKind.TimerCreated && !string.Equals(recorded.Name, name, StringComparison.Ordinal)))
            {
                _fatal = new NonDeterministicOrchestrationException(
                    $"Non-deterministic orchestrator '{_name}': call #{seq} is {Describe(kind)}('{name}') but history recorded {Describe(recorded.Kind)}('{recorded.Name}').");
                return -1;
            }

            _matched.Add(seq);
            return seq;
        }

        var e = new HistoryEvent { Kind = kind, TaskId = seq, Name = name, Timestamp = new DateTimeOffset(_now, TimeSpan.Zero) };
        fill(e);
        _result.NewEvents.Add(e);
        return seq;
    }

    private static string Describe(EventKind kind) => kind switch
    {
        EventKind.TaskScheduled => "CallActivityAsync",
        EventKind.TimerCreated => "CreateTimer",
        EventKind.SubOrchestrationCreated => "CallSubOrchestratorAsync",
        EventKind.EventSent => "SendEvent",
        _ => kind.ToString(),
    };

    private void Apply(HistoryEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.OrchestratorStarted:
                _now = e.Timestamp.UtcDateTime;
                break;
            case EventKind.ExecutionStarted:
                _input = e.Data;
                if (_task is null)
                {
                    object? input;
                    try
                    {
                        input = e.Data is null ? null : JsonSerializer.Deserialize(e.Data, _orchestrator.InputType, DurableJson.Options);
                    }
                    catch (JsonException ex)
                    {
                        _task = Task.FromException<object?>(ex);
                        break;
                    }

                    if (input is null && _orchestrator.InputType.IsValueType)
                    {
                        input = Activator.CreateInstance(_orchestrator.InputType);
                    }

                    _task = _orchestrator.RunAsync(this, input);
                }

                break;
            case EventKind.TaskCompleted or EventKind.TaskFailed or EventKind.TimerFired
                or EventKind.SubOrchestrationCompleted or EventKind.SubOrchestrationFailed:
                if (_pending.Remove(e.TaskId, out var handler))
                {
                    handler(e);
                }

                break;
            case EventKind.EventRaised:
                if (e.Name is not null && _waiters.TryGetValue(e.Name, out var list) && list.Count > 0)
                {
                    var waiter = list[0];
                    list.RemoveAt(0);
                    waiter(e.Data);
                }
                else
                {
                    _buffered.Add((e.Name ?? string.Empty, e.Data));
                }

                break;
            default:
                break;
        }
    }

    private sealed class ReplaySafeLogger(OrchestrationExecutor context, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
