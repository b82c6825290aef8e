using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Serverless.Functions.Workshops;

public enum SeatOutcome
{
    Confirmed,
    Waitlisted,

    /// <summary>The session is full and has no waitlist; nothing was written.</summary>
    Full,

    /// <summary>The person already has a registration in the series; nothing was written.</summary>
    AlreadyRegistered,

    /// <summary>The session was deleted meanwhile.</summary>
    SessionGone,
}

/// <summary>
/// Grants seats for new registrations. Requests for one series are committed in groups: one
/// entity-group transaction writes the session counters (conditional on their ETags) together
/// with up to ~90 new registration rows (Adds, so a second registration of the same person fails
/// in storage itself). A lost ETag race (another process) re-reads the counters and tries again;
/// a duplicate is answered and dropped from the group. So seats are never oversold, the
/// waitlist numbers follow commit order without gaps, and a burst of a thousand requests costs a
/// dozen transactions instead of a thousand conflicting ones.
/// </summary>
public sealed class SeatAllocator(WorkshopStore store, ILogger<SeatAllocator> logger)
{
    /// <summary>An entity-group transaction holds at most 100 operations: counters plus rows.</summary>
    private const int MaxOperations = 100;

    private readonly ConcurrentDictionary<string, SeriesQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>Half a second without a new registration or a commit ends a burst (the last answers are still being written then).</summary>
    private const long BurstGapMilliseconds = 500;

    private long _lastRequestAt = long.MinValue / 2;

    /// <summary>
    /// Whether a burst of registrations is under way (background work can yield to it): some series'
    /// queue is draining, or a registration arrived or was committed within the last half second.
    /// </summary>
    public bool Busy => Environment.TickCount64 - Volatile.Read(ref _lastRequestAt) < BurstGapMilliseconds || _queues.Values.Any(q => q.Draining);

    /// <summary>
    /// Allocates a seat (or a waitlist place) for the row, which must be new. On success the row
    /// carries its status, number and ETag. The answer also holds the counters of
    /// <paramref name="sessionIds"/> as committed with it, so the caller can show seats left without reading them again.
    /// </summary>
    public Task<SeatAllocation> AllocateAsync(RegistrationEntity row, bool waitlistEnabled, IEnumerable<string> sessionIds, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastRequestAt, Environment.TickCount64);
        var pending = new Pending(row, waitlistEnabled, [.. sessionIds.Append(row.SessionId).Distinct(StringComparer.Ordinal)]);
        var queue = _queues.GetOrAdd(row.SeriesId, _ => new SeriesQueue());
        bool start;
        lock (queue)
        {
            queue.Items.Add(pending);
            start = !queue.Draining;
            queue.Draining = true;
        }

        if (start)
        {
            _ = Task.Run(() => DrainAsync(row.SeriesId, queue), CancellationToken.None);
        }

        // The commit goes on even if this caller gives up, so its outcome is never half-known.
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync(string seriesId, SeriesQueue queue)
    {
        while (true)
        {
            List<Pending> batch;
            lock (queue)
            {
                if (queue.Items.Count == 0)
                {
                    // Counters are remembered only from one transaction to the next within a burst.
                    queue.Counters.Clear();
                    queue.Draining = false;
                    return;
                }

                batch = TakeBatch(queue.Items);
            }

            try
            {
                await CommitAsync(seriesId, queue, batch);
                Volatile.Write(ref _lastRequestAt, Environment.TickCount64);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Seat allocation for series {SeriesId} failed for {Count} registrations", seriesId, batch.Count);
                foreach (var p in batch)
                {
                    p.Done.TrySetException(ex);
                }
            }
        }
    }

    private static List<Pending> TakeBatch(List<Pending> items)
    {
        var sessions = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var item in items)
        {
            var extra = sessions.Contains(item.Row.SessionId) ? 1 : 2;
            if (count + sessions.Count + extra > MaxOperations)
            {
                break;
            }

            sessions.Add(item.Row.SessionId);
            count++;
        }

        var batch = items.GetRange(0, count);
        items.RemoveRange(0, count);
        return batch;
    }

    private async Task CommitAsync(string seriesId, SeriesQueue queue, List<Pending> batch)
    {
        var table = await store.TableAsync(CancellationToken.None);
        var remaining = new List<Pending>(batch);
        for (var attempt = 1; remaining.Count > 0; attempt++)
        {
            // The counters as the previous transaction of this queue left them, when it knew them all;
            // their ETags make a stale copy (another process, a cancellation) fail the transaction,
            // which is then retried after reading them.
            var wanted = remaining.SelectMany(p => p.SessionIds).Distinct(StringComparer.Ordinal).ToList();
            var fromCommit = attempt == 1 && wanted.All(queue.Counters.ContainsKey);
            var counters = fromCommit
                ? wanted.ToDictionary(id => id, id => queue.Counters[id].Copy(), StringComparer.Ordinal)
                : (await store.GetCountersAsync(seriesId, wanted, CancellationToken.None)).ToDictionary(c => c.SessionId, StringComparer.Ordinal);
            queue.Counters.Clear();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var decided = new List<(Pending Item, SeatOutcome Outcome)>();
            var touched = new Dictionary<string, SeatCounterEntity>(StringComparer.Ordinal);
            var adds = new List<(Pending Item, RegistrationEntity Row, SeatOutcome Outcome)>();

            foreach (var item in remaining)
            {
                if (!seen.Add(item.Row.PersonId))
                {
                    decided.Add((item, SeatOutcome.AlreadyRegistered));
                    continue;
                }

                if (!counters.TryGetValue(item.Row.SessionId, out var counter))
                {
                    decided.Add((item, SeatOutcome.SessionGone));
                    continue;
                }

                var row = item.Row.Copy();
                SeatOutcome outcome;
                if (counter.Taken < counter.Capacity && counter.Waitlisted == 0)
                {
                    counter.Taken++;
                    row.Status = RegistrationStatus.Confirmed;
                    row.WaitlistNumber = 0;
                    outcome = SeatOutcome.Confirmed;
                }
                else if (item.WaitlistEnabled)
                {
                    row.Status = RegistrationStatus.Waitlisted;
                    row.WaitlistNumber = counter.NextWaitlistNumber++;
                    counter.Waitlisted++;
                    row.WaitlistPositionAtCommit = counter.Waitlisted;
                    outcome = SeatOutcome.Waitlisted;
                }
                else
                {
                    decided.Add((item, SeatOutcome.Full));
                    continue;
                }

                touched[counter.SessionId] = counter;
                adds.Add((item, row, outcome));
            }

            if (fromCommit && decided.Any(d => d.Outcome == SeatOutcome.Full))
            {
                // "Full" writes nothing, so no ETag would catch a remembered counter gone stale: read it.
                continue;
            }

            var actions = touched.Values.Select(c => new TableTransactionAction(TableTransactionActionType.UpdateReplace, c, c.ETag))
                .Concat(adds.Select(a => new TableTransactionAction(TableTransactionActionType.Add, a.Row)))
                .ToList();
            try
            {
                if (actions.Count > 0)
                {
                    var response = await table.SubmitTransactionAsync(actions, CancellationToken.None);
                    for (var i = 0; i < actions.Count; i++)
                    {
                        actions[i].Entity.ETag = response.Value[i].Headers.ETag ?? actions[i].Entity.ETag;
                    }
                }
            }
            catch (TableTransactionFailedException ex) when (ex.Status == StatusCodes.Status409Conflict && ex.FailedTransactionActionIndex is { } index && index >= touched.Count)
            {
                // This person registered before (perhaps through another process): answer them and retry the rest.
                var duplicate = adds[index - touched.Count].Item;
                duplicate.Done.TrySetResult(new SeatAllocation(SeatOutcome.AlreadyRegistered, new Dictionary<string, SeatCount>()));
                remaining.Remove(duplicate);
                continue;
            }
            catch (TableTransactionFailedException ex) when (fromCommit && ex.Status != StatusCodes.Status409Conflict)
            {
                logger.LogDebug("Remembered seat counters of series {SeriesId} were stale ({Status}); reading them", seriesId, ex.Status);
                continue;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == StatusCodes.Status412PreconditionFailed && attempt < 100)
            {
                logger.LogDebug("Seat counters of series {SeriesId} changed meanwhile; retrying (attempt {Attempt})", seriesId, attempt);
                await Task.Delay(Random.Shared.Next(2, 10 * Math.Min(attempt, 10)));
                continue;
            }

            // Every answer sees the counters as this transaction left them; so does the next batch.
            var committed = counters.Values.ToDictionary(c => c.SessionId, c => new SeatCount(c.Capacity, c.Taken), StringComparer.Ordinal);
            foreach (var counter in counters.Values)
            {
                queue.Counters[counter.SessionId] = counter.Copy();
            }

            foreach (var (item, row, outcome) in adds)
            {
                item.Row.Status = row.Status;
                item.Row.WaitlistNumber = row.WaitlistNumber;
                item.Row.WaitlistPositionAtCommit = row.WaitlistPositionAtCommit;
                item.Row.ETag = row.ETag;
                item.Done.TrySetResult(new SeatAllocation(outcome, committed));
            }

            foreach (var (item, outcome) in decided)
            {
                item.Done.TrySetResult(new SeatAllocation(outcome, committed));
            }

            return;
        }
    }

    private sealed class SeriesQueue
    {
        public List<Pending> Items { get; } = [];

        /// <summary>Counters as the last transaction committed them (only the draining task touches them).</summary>
        public Dictionary<string, SeatCounterEntity> Counters { get; } = new(StringComparer.Ordinal);

        /// <summary>Set and cleared under the queue's lock; read without it by <see cref="Busy"/>, where a moment's staleness does no harm.</summary>
        public bool Draining { get; set; }
    }

    private sealed class Pending(RegistrationEntity row, bool waitlistEnabled, IReadOnlyList<string> sessionIds)
    {
        public RegistrationEntity Row { get; } = row;

        public bool WaitlistEnabled { get; } = waitlistEnabled;

        public IReadOnlyList<string> SessionIds { get; } = sessionIds;

        public TaskCompletionSource<SeatAllocation> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A session's capacity and seats taken, as a transaction committed them.</summary>
public sealed record SeatCount(int Capacity, int Taken);

/// <summary>The outcome of an allocation and the counters of the asked-for sessions as committed with it (empty when unknown).</summary>
public sealed record SeatAllocation(SeatOutcome Outcome, IReadOnlyDictionary<string, SeatCount> Counters);
