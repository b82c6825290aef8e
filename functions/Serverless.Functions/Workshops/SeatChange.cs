using Azure.Data.Tables;

namespace Serverless.Functions.Workshops;

/// <summary>The writes of one seat change: the series' counters as read (with ETags) and the rows changed, committed as one transaction.</summary>
internal sealed class SeatChange
{
    private readonly Dictionary<string, ITableEntity> _writes = new(StringComparer.Ordinal);

    private SeatChange(string seriesId, Dictionary<string, SeatCounterEntity> counters)
    {
        SeriesId = seriesId;
        Counters = counters;
    }

    public string SeriesId { get; }

    public Dictionary<string, SeatCounterEntity> Counters { get; }

    public List<RegistrationEntity> Promoted { get; } = [];

    public static async Task<SeatChange> LoadAsync(WorkshopStore store, string seriesId, CancellationToken cancellationToken) =>
        new(seriesId, (await store.ListCountersAsync(seriesId, cancellationToken)).ToDictionary(c => c.SessionId, StringComparer.Ordinal));

    public bool Touches(ITableEntity entity) => _writes.ContainsKey(entity.RowKey);

    public void Touch(SeatCounterEntity counter) => _writes[counter.RowKey] = counter;

    public void Write(RegistrationEntity row) => _writes[row.RowKey] = row;

    /// <summary>Gives back whatever the row holds in its session: a seat or a waitlist place.</summary>
    public void Release(RegistrationEntity row)
    {
        if (!Counters.TryGetValue(row.SessionId, out var counter))
        {
            return;
        }

        if (RegistrationStatus.HoldsSeat(row.Status))
        {
            counter.Taken = Math.Max(0, counter.Taken - 1);
        }
        else if (row.Status == RegistrationStatus.Waitlisted)
        {
            counter.Waitlisted = Math.Max(0, counter.Waitlisted - 1);
        }

        Touch(counter);
    }

    /// <summary>A seat if one is free and nobody waits for it, else a waitlist place, else false.</summary>
    public bool Place(RegistrationEntity row, SessionEntity session)
    {
        if (!Counters.TryGetValue(session.Id, out var counter))
        {
            return false;
        }

        row.SessionId = session.Id;
        if (counter.Taken < counter.Capacity && counter.Waitlisted == 0)
        {
            counter.Taken++;
            row.Status = RegistrationStatus.Confirmed;
            row.WaitlistNumber = 0;
        }
        else if (session.WaitlistEnabled)
        {
            row.Status = RegistrationStatus.Waitlisted;
            row.WaitlistNumber = counter.NextWaitlistNumber++;
            counter.Waitlisted++;
            row.WaitlistPositionAtCommit = counter.Waitlisted;
        }
        else
        {
            return false;
        }

        Touch(counter);
        return true;
    }

    public Task CommitAsync(WorkshopStore store, CancellationToken cancellationToken) =>
        store.SubmitAsync(_writes.Values.Select(e => new TableTransactionAction(TableTransactionActionType.UpdateReplace, e, e.ETag)).ToList(), cancellationToken);
}
