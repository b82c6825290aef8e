using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Durable.Core;
using Serverless.Durable.Storage;

namespace Serverless.Durable;

/// <summary>What one sweep did.</summary>
/// <param name="TimersFired">Due timers turned into messages.</param>
/// <param name="InstancesSwept">Instances whose leftover outbox rows were re-sent and cleared.</param>
public sealed record SweepResult(int TimersFired, int InstancesSwept);

/// <summary>
/// Handles one queue message at a time. This is the single message-handling path: the runtime's
/// own pollers call <see cref="HandleMessageAsync"/> in standalone mode, and Azure Functions queue
/// triggers call it in Functions mode (pollers off); <see cref="SweepAsync"/> is the timer trigger's
/// entry point (due timers and outbox stragglers).
/// </summary>
public sealed class DurableWorker
{
    private const int MaxConflictRetries = 25;
    private readonly DurableRuntime _runtime;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Lock _sessionsGate = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    internal DurableWorker(DurableRuntime runtime, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        _runtime = runtime;
        _services = services;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DurableWorker>();
    }

    /// <summary>The control queue (orchestration messages): <c>{hub}-control</c>.</summary>
    public string ControlQueueName => _runtime.ControlQueue;

    /// <summary>The work-item queue (activity executions): <c>{hub}-workitems</c>.</summary>
    public string WorkItemQueueName => _runtime.WorkItemQueue;

    /// <summary>
    /// Handles one message of <see cref="ControlQueueName"/> or <see cref="WorkItemQueueName"/>.
    /// Returns when the message is done with (the caller then deletes it); throws when it should be
    /// retried. On the <see cref="DurableTaskOptions.MaxDequeueCount"/>-th failed attempt the message
    /// is dead-lettered, its instance marked Failed with the reason, and the call returns normally.
    /// </summary>
    /// <param name="queueName">The queue the message came from.</param>
    /// <param name="messageText">The message text.</param>
    /// <param name="dequeueCount">How many times the message has been received, this time included.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    public async Task HandleMessageAsync(string queueName, string messageText, long dequeueCount = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queueName);
        ArgumentNullException.ThrowIfNull(messageText);
        WorkMessage message;
        try
        {
            message = InternalJson.Deserialize<WorkMessage>(messageText);
        }
        catch (JsonException ex)
        {
            await DeadLetterAsync(queueName, messageText, null, dequeueCount, "Unreadable message: " + ex.Message, cancellationToken);
            return;
        }

        try
        {
            if (string.Equals(queueName, WorkItemQueueName, StringComparison.OrdinalIgnoreCase))
            {
                await RunActivityAsync(message, dequeueCount, cancellationToken);
            }
            else if (string.Equals(queueName, ControlQueueName, StringComparison.OrdinalIgnoreCase))
            {
                message.Data = await _runtime.UnpackAsync(message.Data, cancellationToken);
                await HandleControlAsync(message, cancellationToken);
            }
            else
            {
                throw new ArgumentException($"Queue '{queueName}' does not belong to task hub '{_runtime.Options.TaskHubName}'.", nameof(queueName));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ArgumentException && dequeueCount >= _runtime.Options.MaxDequeueCount)
        {
            await DeadLetterAsync(queueName, messageText, message.InstanceId, dequeueCount, $"{ex.GetType().Name}: {ex.Message}", cancellationToken);
        }
    }

    /// <summary>Turns due timers into messages and re-sends outbox rows left behind by a crash. Safe to run from several processes.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        var fired = await FireDueTimersAsync(cancellationToken);
        var swept = await SweepOutboxAsync(cancellationToken);
        return new SweepResult(fired, swept);
    }

    internal async Task<int> FireDueTimersAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var due = await _runtime.Store.GetDueTimersAsync(_runtime.Clock.GetUtcNow(), 100, cancellationToken);
            if (due.Count == 0)
            {
                break;
            }

            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (timer, ct) =>
            {
                await _runtime.Store.SendMessageAsync(ControlQueueName, timer.MessageText, null, ct);
                await _runtime.Store.DeleteTimerAsync(timer, ct);
            });
            total += due.Count;
            _runtime.ControlSignal.Set();
            if (due.Count < 100)
            {
                break;
            }
        }

        return total;
    }

    internal async Task<int> SweepOutboxAsync(CancellationToken cancellationToken)
    {
        var swept = 0;
        string? token = null;
        do
        {
            var page = await _runtime.Store.QueryInstancesAsync(
                new StoreInstanceQuery { OutboxPendingBefore = _runtime.Clock.GetUtcNow() - _runtime.Options.OutboxStragglerAge, PageSize = 100, ContinuationToken = token },
                cancellationToken);
            foreach (var row in page.Items)
            {
                var instanceId = row.GetString("InstanceId");
                if (instanceId is null)
                {
                    continue;
                }

                await HandleControlAsync(new WorkMessage { Id = Guid.NewGuid().ToString("N"), Kind = MessageKind.Notify, InstanceId = instanceId }, cancellationToken);
                swept++;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return swept;
    }

    private async Task RunActivityAsync(WorkMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        var reply = new WorkMessage
        {
            Id = $"{message.InstanceId}|{message.ExecutionId}|{message.TaskId}|done",
            InstanceId = message.InstanceId,
            ExecutionId = message.ExecutionId,
            TaskId = message.TaskId,
            Name = message.Name,
        };

        // A possible duplicate (redelivered, or re-sent after a crash) whose result the orchestration
        // already recorded is dropped; a first delivery of a fresh message skips the read.
        if ((dequeueCount > 1 || message.Resent) && await _runtime.Store.ReadEntityAsync(message.InstanceId, InstanceState.InboxKey(reply.Id), cancellationToken) is not null)
        {
            return;
        }

        var name = message.Name ?? string.Empty;
        var type = _runtime.Registry.FindActivity(name);
        if (type is null)
        {
            reply.Kind = MessageKind.TaskFailed;
            reply.Failure = new TaskFailureDetails("ActivityNotFound", $"No activity named '{name}' is registered.");
        }
        else
        {
            await using var scope = _services.CreateAsyncScope();
            try
            {
                var activity = (ITaskActivity)ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);
                var data = await _runtime.UnpackAsync(message.Data, cancellationToken);
                var input = data is null ? null : JsonSerializer.Deserialize(data, activity.InputType, DurableJson.Options);
                if (input is null && activity.InputType.IsValueType)
                {
                    input = Activator.CreateInstance(activity.InputType);
                }

                var context = new TaskActivityContext(name, message.InstanceId, message.TaskId, $"{message.InstanceId}:{message.ExecutionId}:{message.TaskId}");
                var result = await activity.RunAsync(context, input);
                var json = JsonSerializer.Serialize(result, DurableJson.Options);
                _runtime.CheckPayload(json, "activity output");
                reply.Kind = MessageKind.TaskCompleted;
                reply.Data = json;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                reply.Kind = MessageKind.TaskFailed;
                reply.Failure = Failure(ex);
            }
        }

        if (_runtime.HandOffEnabled)
        {
            // In memory: the result is recorded before this returns, and until then the durable
            // source of this work item (its queue message, or its orchestration's outbox row, which
            // stays until the result is in the history) is still there.
            try
            {
                reply.SentAt = _runtime.Clock.GetUtcNow();
                await HandleControlAsync(reply, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.LogDebug(ex, "Recording the result of {Activity} for {InstanceId} in memory failed; it goes through the queue", name, message.InstanceId);
            }
        }

        await _runtime.SendAsync(ControlQueueName, reply, cancellationToken);
    }

    /// <summary>
    /// Handles a message handed over in memory by this process (<see cref="DurableRuntime.TryHandOff"/>).
    /// If that fails it goes through the queue after all, where retries and dead-lettering apply;
    /// if even that fails, its source row is left for the sweeper.
    /// </summary>
    internal async Task HandleHandedOffAsync(string queueName, HandedOffMessage handedOff, CancellationToken cancellationToken)
    {
        try
        {
            if (queueName == WorkItemQueueName)
            {
                await RunActivityAsync(handedOff.Message, 1, cancellationToken);
            }
            else
            {
                await HandleControlAsync(handedOff.Message, cancellationToken);
            }

            // Its result is recorded (or was dropped, for an execution that has moved on): the row can go.
            handedOff.Source?.Delivered = true;
            return;
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "A message handed over in memory for {InstanceId} failed; it goes through {Queue}", handedOff.Message.InstanceId, queueName);
        }

        try
        {
            await _runtime.SendAsync(queueName, handedOff.Message, CancellationToken.None);
            handedOff.Source?.Delivered = true;
        }
        catch (Exception ex)
        {
            if (handedOff.Source is not null)
            {
                handedOff.Source.HandedOff = false;
            }

            _logger.LogWarning(ex, "A message for {InstanceId} could not be sent; the sweeper sends it again", handedOff.Message.InstanceId);
        }
    }

    private static TaskFailureDetails Failure(Exception ex)
    {
        var details = TaskFailureDetails.FromException(ex);
        return details.StackTrace is { Length: > 4000 } ? details with { StackTrace = details.StackTrace[..4000] } : details;
    }

    private async Task HandleControlAsync(WorkMessage message, CancellationToken cancellationToken)
    {
        var item = new PendingItem(message);
        Session session;
        bool runner;
        lock (_sessionsGate)
        {
            if (!_sessions.TryGetValue(message.InstanceId, out session!))
            {
                session = new Session(message.InstanceId);
                _sessions[message.InstanceId] = session;
            }

            session.Pending.Add(item);
            runner = !session.Running;
            session.Running = true;
        }

        if (runner)
        {
            await RunSessionAsync(session, cancellationToken);
        }

        await item.Done.Task;
    }

    /// <summary>Handles everything queued for one instance, several messages per episode, one episode at a time.</summary>
    private async Task RunSessionAsync(Session session, CancellationToken cancellationToken)
    {
        while (true)
        {
            List<PendingItem> batch;
            lock (_sessionsGate)
            {
                if (session.Pending.Count == 0)
                {
                    session.Running = false;
                    _sessions.Remove(session.InstanceId);
                    return;
                }

                batch = [.. session.Pending];
                session.Pending.Clear();
            }

            try
            {
                await ProcessAsync(session.InstanceId, batch.Select(b => b.Message).ToList(), cancellationToken);
                foreach (var item in batch)
                {
                    item.Done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                foreach (var item in batch)
                {
                    item.Done.TrySetException(ex);
                }
            }
        }
    }

    private async Task ProcessAsync(string instanceId, List<WorkMessage> messages, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (await TryProcessAsync(instanceId, messages, cancellationToken))
                {
                    return;
                }
            }
            catch (StoreConflictException) when (attempt < MaxConflictRetries)
            {
                _runtime.Cache.TryRemove(instanceId, out _);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (attempt * 10))), cancellationToken);
            }
            catch
            {
                _runtime.Cache.TryRemove(instanceId, out _);
                throw;
            }
        }
    }

    /// <summary>One attempt; false means the cached state may be stale and it should be retried after a fresh read.</summary>
    private async Task<bool> TryProcessAsync(string instanceId, List<WorkMessage> messages, CancellationToken cancellationToken)
    {
        var fromCache = _runtime.Cache.TryGetValue(instanceId, out var state);
        if (!fromCache)
        {
            state = await LoadAsync(instanceId, cancellationToken);
            if (state is null)
            {
                _logger.LogDebug("Dropped {Count} message(s) for missing instance {InstanceId}", messages.Count, instanceId);
                return true;
            }

            fromCache = false;
        }

        var checkpoint = Plan(state!, messages);
        if (fromCache && checkpoint is { DroppedSomething: true })
        {
            // Never drop a message on the strength of a cached copy: another process may have moved on.
            _runtime.Cache.TryRemove(instanceId, out _);
            return false;
        }

        var wrote = checkpoint is { HasWrites: true };
        if (wrote)
        {
            await CommitAsync(state!, checkpoint!, cancellationToken);
        }

        await RelayAsync(state!, cancellationToken);
        if (!wrote || state!.IsTerminal)
        {
            await ClearOutboxAsync(state!, cancellationToken);
        }

        if (state!.IsTerminal)
        {
            _runtime.Cache.TryRemove(instanceId, out _);
            _runtime.NotifyCompleted(instanceId);
        }
        else
        {
            _runtime.Remember(state!);
        }

        if (checkpoint?.NotifySelf == true)
        {
            await InstanceWriter.NotifyAsync(_runtime, instanceId, null, cancellationToken);
        }

        return true;
    }

    private async Task<InstanceState?> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var rows = await _runtime.Store.ReadPartitionAsync(instanceId, cancellationToken);
        return await InstanceState.FromRowsAsync(instanceId, rows, _runtime, cancellationToken);
    }

    private sealed class Checkpoint
    {
        public required InstanceState Next { get; init; }

        public List<HistoryEvent> NewHistory { get; } = [];

        public bool NewExecution { get; set; }

        public List<WorkMessage> Consumed { get; } = [];

        public List<WorkMessage> Persist { get; } = [];

        public List<OutboxAction> Outbox { get; } = [];

        public bool DroppedSomething { get; set; }

        public bool NotifySelf { get; set; }

        public bool ScalarsChanged { get; set; }

        public bool HasWrites => ScalarsChanged || NewExecution || NewHistory.Count > 0 || Consumed.Count > 0 || Persist.Count > 0 || Outbox.Count > 0;
    }

    private Checkpoint? Plan(InstanceState state, List<WorkMessage> messages)
    {
        var now = _runtime.Clock.GetUtcNow();
        var incoming = state.PendingInbox.Values.OrderBy(p => p.Order).ThenBy(p => p.Message.Id, StringComparer.Ordinal).Select(p => p.Message).ToList();
        var seen = new HashSet<string>(incoming.Select(m => m.Id), StringComparer.Ordinal);
        var dropped = false;
        foreach (var m in messages)
        {
            if (m.Kind == MessageKind.Notify)
            {
                if (m.Name is not null && !seen.Contains(m.Name) && !state.Processed.Contains(m.Name))
                {
                    dropped = true;
                }

                continue;
            }

            if (state.Processed.Contains(m.Id) || !seen.Add(m.Id))
            {
                dropped = true;
                continue;
            }

            incoming.Add(m);
        }

        if (incoming.Count == 0)
        {
            return new Checkpoint { Next = state, DroppedSomething = dropped };
        }

        var cp = new Checkpoint { Next = state.CloneScalars(), DroppedSomething = dropped, ScalarsChanged = true };
        var next = cp.Next;
        next.LastUpdatedAt = now;
        if (state.IsTerminal)
        {
            cp.Consumed.AddRange(incoming);
            cp.DroppedSomething = true;
            return cp;
        }

        var started = state.History.Count > 0;
        var terminate = incoming.FirstOrDefault(m => m.Kind == MessageKind.Terminate);
        if (terminate is not null)
        {
            next.Status = OrchestrationRuntimeStatus.Terminated;
            next.Output = terminate.Data;
            next.CompletedAt = now;
            if (started)
            {
                cp.NewHistory.Add(new HistoryEvent { Kind = EventKind.OrchestratorStarted, Timestamp = now });
                cp.NewHistory.Add(new HistoryEvent { Kind = EventKind.ExecutionTerminated, Timestamp = now, Data = terminate.Data });
            }

            cp.Consumed.AddRange(incoming);
            NotifyParent(cp, failure: new TaskFailureDetails("Terminated", $"Instance {state.InstanceId} was terminated."));
            return cp;
        }

        var rest = new List<WorkMessage>();
        foreach (var m in incoming)
        {
            if (m.Kind == MessageKind.Suspend)
            {
                if (next.Status is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending)
                {
                    next.Status = OrchestrationRuntimeStatus.Suspended;
                }

                cp.Consumed.Add(m);
            }
            else if (m.Kind == MessageKind.Resume)
            {
                if (next.Status == OrchestrationRuntimeStatus.Suspended)
                {
                    next.Status = started ? OrchestrationRuntimeStatus.Running : OrchestrationRuntimeStatus.Pending;
                }

                cp.Consumed.Add(m);
            }
            else
            {
                rest.Add(m);
            }
        }

        var start = rest.FirstOrDefault(m => m.Kind == MessageKind.ExecutionStarted && !started);
        var waiting = next.Status == OrchestrationRuntimeStatus.Suspended
            || (!started && (start is null || next.ScheduledStartAt > now));
        if (waiting)
        {
            // Kept in the inbox until the instance can run them; queue-borne ones are persisted there.
            cp.Persist.AddRange(rest.Where(m => !state.PendingInbox.ContainsKey(m.Id)));
            return cp;
        }

        var live = new List<WorkMessage>();
        foreach (var m in rest)
        {
            if (m.Kind == MessageKind.ExecutionStarted ? m != start : m.ExecutionId is not null && m.ExecutionId != state.ExecutionId)
            {
                cp.DroppedSomething = true;
            }
            else
            {
                live.Add(m);
            }
        }

        cp.Consumed.AddRange(rest);
        if (live.Count == 0)
        {
            return cp;
        }

        var events = new List<HistoryEvent> { new() { Kind = EventKind.OrchestratorStarted, Timestamp = now } };
        var registration = _runtime.Registry.FindOrchestrator(next.Name);
        if (start is not null)
        {
            next.Version = registration?.Version ?? string.Empty;
            next.Status = OrchestrationRuntimeStatus.Running;
            events.Add(new HistoryEvent { Kind = EventKind.ExecutionStarted, Timestamp = now, Name = next.Name, Data = start.Data, Version = next.Version });
        }

        foreach (var m in live.Where(m => m != start))
        {
            events.Add(ToEvent(m, now));
        }

        Exception? refusal = registration is null
            ? new InvalidOperationException($"No orchestrator named '{next.Name}' is registered.")
            : !registration.CanRun(next.Version)
                ? new OrchestratorVersionMismatchException($"Instance {state.InstanceId} started with version {next.Version} of orchestrator '{next.Name}'; the registered code is version {registration.Version} and does not declare compatibility with it.")
                : null;
        if (refusal is not null)
        {
            cp.NewHistory.AddRange(events);
            Fail(cp, TaskFailureDetails.FromException(refusal), now);
            return cp;
        }

        var orchestrator = (ITaskOrchestrator)ActivatorUtilities.GetServiceOrCreateInstance(_services, registration!.Type);
        var executor = new OrchestrationExecutor(orchestrator, state.InstanceId, next.ExecutionId, next.Name, next.Version, _loggerFactory);
        var result = executor.Execute(state.History, events);
        cp.NewHistory.AddRange(result.NewEvents);
        cp.Outbox.AddRange(result.Actions);
        if (result.CustomStatusSet)
        {
            next.CustomStatus = result.CustomStatus;
        }

        switch (result.Status)
        {
            case OrchestrationRuntimeStatus.Completed:
                if (result.Output is not null && System.Text.Encoding.UTF8.GetByteCount(result.Output) > _runtime.Options.PayloadCapBytes)
                {
                    Fail(cp, new TaskFailureDetails("PayloadTooLarge", $"The output is over the cap of {_runtime.Options.PayloadCapBytes} bytes."), now);
                    break;
                }

                next.Status = OrchestrationRuntimeStatus.Completed;
                next.Output = result.Output;
                next.CompletedAt = now;
                cp.NewHistory.Add(new HistoryEvent { Kind = EventKind.ExecutionCompleted, Timestamp = now, Data = result.Output });
                NotifyParent(cp, failure: null);
                break;
            case OrchestrationRuntimeStatus.Failed:
                Fail(cp, result.Failure!, now);
                break;
            case OrchestrationRuntimeStatus.ContinuedAsNew:
                cp.NewExecution = true;
                cp.NotifySelf = true;
                next.ExecutionId = Guid.NewGuid().ToString("N");
                next.Input = result.NewInput;
                next.Output = null;
                next.Status = OrchestrationRuntimeStatus.Running;
                next.ScheduledStartAt = null;
                next.CustomStatus = null;
                cp.Persist.Add(new WorkMessage { Id = $"{state.InstanceId}|{next.ExecutionId}|start", Kind = MessageKind.ExecutionStarted, InstanceId = state.InstanceId, Name = next.Name, Data = result.NewInput, SentAt = now });
                for (var i = 0; i < result.CarriedEvents.Count; i++)
                {
                    cp.Persist.Add(new WorkMessage { Id = $"{state.InstanceId}|{next.ExecutionId}|carry|{i}", Kind = MessageKind.EventRaised, InstanceId = state.InstanceId, Name = result.CarriedEvents[i].Name, Data = result.CarriedEvents[i].Data, SentAt = now });
                }

                // Timers and work of the old execution are ignored when they come back (their execution id differs).
                cp.Outbox.Clear();
                break;
            default:
                break;
        }

        return cp;

        void Fail(Checkpoint c, TaskFailureDetails failure, DateTimeOffset at)
        {
            c.Next.Status = OrchestrationRuntimeStatus.Failed;
            c.Next.Failure = failure;
            c.Next.CompletedAt = at;
            c.NewHistory.Add(new HistoryEvent { Kind = EventKind.ExecutionFailed, Timestamp = at, Failure = failure });
            c.Outbox.Clear();
            NotifyParent(c, failure);
        }
    }

    private static void NotifyParent(Checkpoint cp, TaskFailureDetails? failure)
    {
        var next = cp.Next;
        if (next.ParentInstanceId is null)
        {
            return;
        }

        cp.Outbox.Add(new OutboxAction
        {
            Id = $"{next.InstanceId}|parent",
            Kind = OutboxKind.Control,
            Message = new WorkMessage
            {
                Id = $"{next.ParentInstanceId}|{next.ParentExecutionId}|{next.ParentTaskId}|subdone",
                Kind = failure is null ? MessageKind.SubOrchestrationCompleted : MessageKind.SubOrchestrationFailed,
                InstanceId = next.ParentInstanceId,
                ExecutionId = next.ParentExecutionId,
                TaskId = next.ParentTaskId,
                Data = failure is null ? next.Output : null,
                Failure = failure,
            },
        });
    }

    private static HistoryEvent ToEvent(WorkMessage m, DateTimeOffset now) => new()
    {
        Kind = m.Kind switch
        {
            MessageKind.TaskCompleted => EventKind.TaskCompleted,
            MessageKind.TaskFailed => EventKind.TaskFailed,
            MessageKind.TimerFired => EventKind.TimerFired,
            MessageKind.SubOrchestrationCompleted => EventKind.SubOrchestrationCompleted,
            MessageKind.SubOrchestrationFailed => EventKind.SubOrchestrationFailed,
            MessageKind.EventRaised => EventKind.EventRaised,
            _ => throw new InvalidOperationException($"Message kind {m.Kind} has no history event."),
        },
        Timestamp = now,
        TaskId = m.TaskId,
        Name = m.Name,
        Data = m.Data,
        Failure = m.Failure,
        FireAt = m.FireAt,
    };

    private async Task CommitAsync(InstanceState state, Checkpoint cp, CancellationToken cancellationToken)
    {
        var next = cp.Next;
        var newCheckpoint = state.Checkpoint + 1;
        next.Checkpoint = newCheckpoint;
        var ops = new List<StoreOperation>();
        var written = new HashSet<string>(StringComparer.Ordinal);
        var order = _runtime.Clock.GetUtcNow().UtcTicks;
        var newHistoryKeys = new List<string>();
        if (cp.NewExecution)
        {
            foreach (var key in state.HistoryRowKeys)
            {
                Add(StoreOperationKind.Delete, new StoreEntity(key));
            }
        }
        else
        {
            // Several events share a row (up to ~30K characters), so an episode usually adds one history row.
            var batch = new List<string>();
            var batchStart = state.History.Count;
            var batchChars = 0;
            for (var i = 0; i < cp.NewHistory.Count; i++)
            {
                var e = cp.NewHistory[i].Copy();
                e.Data = await _runtime.PackAsync(e.Data, state.InstanceId, cancellationToken);
                var json = InternalJson.Serialize(e);
                if (batch.Count > 0 && (batchChars + json.Length > 30_000 || batch.Count == 200))
                {
                    FlushHistory();
                    batchStart = state.History.Count + i;
                }

                batch.Add(json);
                batchChars += json.Length + 1;
            }

            if (batch.Count > 0)
            {
                FlushHistory();
            }

            void FlushHistory()
            {
                var row = new StoreEntity(InstanceState.HistoryKey(next.ExecutionId, batchStart));
                row["Events"] = "[" + string.Join(",", batch) + "]";
                Add(StoreOperationKind.Upsert, row);
                newHistoryKeys.Add(row.RowKey);
                batch.Clear();
                batchChars = 0;
            }
        }

        foreach (var m in cp.Consumed)
        {
            var packed = m.Copy();
            packed.Data = await _runtime.PackAsync(m.Data, state.InstanceId, cancellationToken);
            Add(StoreOperationKind.Upsert, InstanceState.InboxRow(packed, processed: true, newCheckpoint, order));
        }

        foreach (var m in cp.Persist)
        {
            var packed = m.Copy();
            packed.Data = await _runtime.PackAsync(m.Data, state.InstanceId, cancellationToken);
            Add(StoreOperationKind.Upsert, InstanceState.InboxRow(packed, processed: false, newCheckpoint, order++));
        }

        foreach (var action in cp.Outbox)
        {
            var packed = new OutboxAction { Id = action.Id, Kind = action.Kind, Due = action.Due, Message = action.Message.Copy() };
            packed.Message.Data = await _runtime.PackAsync(action.Message.Data, state.InstanceId, cancellationToken);
            var row = new StoreEntity(InstanceState.OutboxKey(action.Id));
            row["Action"] = InternalJson.Serialize(packed);
            row["Cp"] = newCheckpoint;
            Add(StoreOperationKind.Upsert, row);
        }

        // Rows already sent, and work items whose result this checkpoint records (a work item handed
        // over in memory keeps its row until then, in case this process dies before it is done).
        var answered = cp.NewExecution
            ? []
            : cp.NewHistory.Where(e => e.Kind is EventKind.TaskCompleted or EventKind.TaskFailed).Select(e => e.TaskId).ToHashSet();
        var relayed = state.Outbox
            .Where(o => o.Value.Relayed || o.Value.Action.Delivered || (o.Value.Action.Kind == OutboxKind.WorkItem && o.Value.Action.Message.ExecutionId == state.ExecutionId && answered.Contains(o.Value.Action.Message.TaskId)))
            .Select(o => o.Key)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var id in relayed)
        {
            Add(StoreOperationKind.Delete, new StoreEntity(InstanceState.OutboxKey(id)));
        }

        foreach (var orphan in state.Orphans)
        {
            Add(StoreOperationKind.Delete, new StoreEntity(orphan));
        }

        next.HasOutbox = cp.Outbox.Count > 0 || state.Outbox.Any(o => !relayed.Contains(o.Key));
        next.Input = await _runtime.PackAsync(next.Input, state.InstanceId, cancellationToken);
        next.Output = await _runtime.PackAsync(next.Output, state.InstanceId, cancellationToken);
        next.CustomStatus = await _runtime.PackAsync(next.CustomStatus, state.InstanceId, cancellationToken);
        var historyCount = cp.NewExecution ? 0 : state.History.Count + cp.NewHistory.Count;
        var instanceRow = next.ToInstanceRow(historyCount);
        string? etag = state.ETag;
        var size = ops.Sum(o => EstimateSize(o.Entity)) + EstimateSize(instanceRow);
        if (ops.Count < 100 && size < 3_000_000)
        {
            ops.Add(new StoreOperation(StoreOperationKind.Replace, instanceRow, etag));
            etag = (await _runtime.Store.ExecuteTransactionAsync(state.InstanceId, ops, cancellationToken))[^1];
        }
        else
        {
            // Too big for one transaction: write the rows in fenced chunks (each also touches the
            // instance row under its ETag), then commit by replacing the instance row. Until then the
            // rows carry a checkpoint number above the committed one and readers ignore them.
            var chunk = new List<StoreOperation>();
            var chunkSize = 0L;
            foreach (var op in ops)
            {
                var opSize = EstimateSize(op.Entity);
                if (chunk.Count == 99 || chunkSize + opSize > 3_000_000)
                {
                    etag = await WriteChunkAsync(chunk, etag);
                    chunk.Clear();
                    chunkSize = 0;
                }

                chunk.Add(op);
                chunkSize += opSize;
            }

            if (chunk.Count > 0)
            {
                etag = await WriteChunkAsync(chunk, etag);
            }

            etag = (await _runtime.Store.ExecuteTransactionAsync(state.InstanceId, [new StoreOperation(StoreOperationKind.Replace, instanceRow, etag)], cancellationToken))[^1];
        }

        // Committed: bring the cached state up to date.
        state.ETag = etag;
        state.CopyScalarsFrom(next);
        if (cp.NewExecution)
        {
            state.History = [];
            state.HistoryRowKeys.Clear();
        }
        else
        {
            state.History.AddRange(cp.NewHistory);
            state.HistoryRowKeys.AddRange(newHistoryKeys);
        }

        foreach (var m in cp.Consumed)
        {
            state.PendingInbox.Remove(m.Id);
            state.Processed.Add(m.Id);
        }

        var persistOrder = order - cp.Persist.Count;
        foreach (var m in cp.Persist)
        {
            state.PendingInbox[m.Id] = (m, persistOrder++);
        }

        foreach (var id in relayed)
        {
            state.Outbox.Remove(id);
        }

        foreach (var action in cp.Outbox)
        {
            action.Fresh = true;
            state.Outbox[action.Id] = (action, false);
        }

        state.Orphans.Clear();

        void Add(StoreOperationKind kind, StoreEntity entity)
        {
            if (written.Add(entity.RowKey))
            {
                ops.Add(new StoreOperation(kind, entity, kind == StoreOperationKind.Delete ? "*" : null));
            }
        }

        async Task<string?> WriteChunkAsync(List<StoreOperation> chunkOps, string? currentETag)
        {
            var fence = new StoreEntity(StoreEntity.InstanceRowKey);
            fence["PendingCheckpoint"] = newCheckpoint;
            var result = await _runtime.Store.ExecuteTransactionAsync(state.InstanceId, [.. chunkOps, new StoreOperation(StoreOperationKind.Merge, fence, currentETag)], cancellationToken);
            return result[^1];
        }
    }

    private static long EstimateSize(StoreEntity entity) =>
        200 + (entity.RowKey.Length * 2) + entity.Properties.Sum(p => (p.Key.Length * 2) + (p.Value is string s ? s.Length * 2 : 16));

    /// <summary>Sends committed outbox rows this process has not sent yet. Every receiver de-duplicates, so sending twice is harmless.</summary>
    private async Task RelayAsync(InstanceState state, CancellationToken cancellationToken)
    {
        var pending = state.Outbox.Where(o => !o.Value.Relayed && !o.Value.Action.HandedOff).Select(o => o.Value.Action).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        var handedOff = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (action, ct) =>
        {
            if (!await RelayOneAsync(action, ct))
            {
                handedOff[action.Id] = true;
            }
        });
        foreach (var action in pending)
        {
            action.Fresh = false;
            if (!handedOff.ContainsKey(action.Id))
            {
                state.Outbox[action.Id] = (action, true);
            }
        }
    }

    /// <summary>Sends one outbox row; false when it was handed over in memory instead (its row then stays until it is done with).</summary>
    private async Task<bool> RelayOneAsync(OutboxAction action, CancellationToken cancellationToken)
    {
        switch (action.Kind)
        {
            case OutboxKind.WorkItem:
                var workItem = action.Message.Copy();
                workItem.Resent = !action.Fresh;
                workItem.SentAt = _runtime.Clock.GetUtcNow();
                action.HandedOff = true;
                if (_runtime.TryHandOff(WorkItemQueueName, workItem, action))
                {
                    return false;
                }

                action.HandedOff = false;
                await _runtime.SendAsync(WorkItemQueueName, workItem, cancellationToken);
                break;
            case OutboxKind.Control:
                await _runtime.SendAsync(ControlQueueName, action.Message, cancellationToken);
                break;
            case OutboxKind.Inbox:
                if (!await InstanceWriter.DeliverToInboxAsync(_runtime, action.Message, instanceChecked: false, cancellationToken))
                {
                    _logger.LogWarning("Event {EventName} for missing instance {InstanceId} was dropped", action.Message.Name, action.Message.InstanceId);
                }

                break;
            case OutboxKind.CreateInstance:
                if (await InstanceWriter.CreateInstanceAsync(_runtime, action.Message, null, cancellationToken))
                {
                    await InstanceWriter.NotifyCreatedAsync(_runtime, action.Message.InstanceId, action.Message.Id, cancellationToken);
                }
                else
                {
                    // Created before (this row is being sent again): the wake-up goes through the queue as ever.
                    await InstanceWriter.NotifyAsync(_runtime, action.Message.InstanceId, action.Message.Id, cancellationToken);
                }

                break;
            case OutboxKind.Timer:
                var message = action.Message.Copy();
                message.SentAt = _runtime.Clock.GetUtcNow();
                var due = action.Due ?? _runtime.Clock.GetUtcNow();
                await _runtime.Store.UpsertTimerAsync(new TimerEntry(due, action.Id, InternalJson.Serialize(message)), cancellationToken);
                _runtime.ScheduleTimerWake(due);
                break;
            default:
                throw new InvalidOperationException($"Unknown outbox kind {action.Kind}.");
        }

        return true;
    }

    /// <summary>Deletes outbox rows already sent and clears the instance's outbox flag (conditional on its ETag).</summary>
    private async Task ClearOutboxAsync(InstanceState state, CancellationToken cancellationToken)
    {
        if (state.Outbox.Count == 0 && !state.HasOutbox)
        {
            return;
        }

        var ids = state.Outbox.Where(o => o.Value.Relayed || o.Value.Action.Delivered).Select(o => o.Key).Take(99).ToList();
        var ops = ids.Select(id => new StoreOperation(StoreOperationKind.Delete, new StoreEntity(InstanceState.OutboxKey(id)), "*")).ToList();
        var clear = new StoreEntity(StoreEntity.InstanceRowKey);
        clear["HasOutbox"] = ids.Count < state.Outbox.Count;
        ops.Add(new StoreOperation(StoreOperationKind.Merge, clear, state.ETag));
        try
        {
            state.ETag = (await _runtime.Store.ExecuteTransactionAsync(state.InstanceId, ops, cancellationToken))[^1];
            foreach (var id in ids)
            {
                state.Outbox.Remove(id);
            }

            state.HasOutbox = state.Outbox.Count > 0;
        }
        catch (StoreConflictException)
        {
            // Someone else moved the instance on; its next checkpoint deletes the rows.
            _runtime.Cache.TryRemove(state.InstanceId, out _);
        }
    }

    private async Task DeadLetterAsync(string queueName, string messageText, string? instanceId, long dequeueCount, string reason, CancellationToken cancellationToken)
    {
        var now = _runtime.Clock.GetUtcNow();
        _logger.LogError("Dead-lettering a message of {Queue} for {InstanceId} after {Count} attempts: {Reason}", queueName, instanceId, dequeueCount, reason);
        await _runtime.Store.AddDeadLetterAsync(new DeadLetterEntry(Guid.NewGuid().ToString("N"), queueName, instanceId, messageText, dequeueCount, reason, now), cancellationToken);
        if (string.IsNullOrEmpty(instanceId))
        {
            return;
        }

        _runtime.Cache.TryRemove(instanceId, out _);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var row = await _runtime.Store.ReadEntityAsync(instanceId, StoreEntity.InstanceRowKey, cancellationToken);
            if (row is null || row.GetBoolean("Purging") || row.GetString("Status") is "Completed" or "Failed" or "Terminated")
            {
                return;
            }

            var failure = new TaskFailureDetails("PoisonMessage", $"A {queueName} message failed {dequeueCount} times and was dead-lettered: {reason}");
            var historyCount = row.GetInt64("HistoryCount");
            var update = new StoreEntity(StoreEntity.InstanceRowKey);
            update["Status"] = nameof(OrchestrationRuntimeStatus.Failed);
            update["Failure"] = InternalJson.Serialize(failure);
            update["LastUpdatedAt"] = now;
            update["CompletedAt"] = now;
            update["HistoryCount"] = historyCount + 1;
            update["Checkpoint"] = row.GetInt64("Checkpoint") + 1;
            var history = new StoreEntity(InstanceState.HistoryKey(row.GetString("ExecutionId") ?? string.Empty, (int)historyCount));
            history["Data"] = InternalJson.Serialize(new HistoryEvent { Kind = EventKind.ExecutionFailed, Timestamp = now, Failure = failure });
            try
            {
                await _runtime.Store.ExecuteTransactionAsync(instanceId, [new StoreOperation(StoreOperationKind.Upsert, history), new StoreOperation(StoreOperationKind.Merge, update, row.ETag)], cancellationToken);
                _runtime.NotifyCompleted(instanceId);
                return;
            }
            catch (StoreConflictException)
            {
            }
        }
    }

    private sealed record PendingItem(WorkMessage Message)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Session(string instanceId)
    {
        public string InstanceId { get; } = instanceId;

        public List<PendingItem> Pending { get; } = [];

        public bool Running { get; set; }
    }
}
