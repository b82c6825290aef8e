using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Workshops;

/// <summary>
/// The waitlist: a freed seat is offered to the first waitlisted person, whose offer is accepted
/// through the invitation page or lapses through <see cref="WaitlistOfferOrchestrator"/>, and then
/// goes to the next. Seats are freed and offered inside the same <see cref="SeatChange"/> as the
/// change that freed them; the emails, audit entries and offer timers follow the commit.
/// </summary>
public sealed class WaitlistPromotion(
    WorkshopStore store,
    InvitationResolver resolver,
    RegistrationEmails emails,
    IAuditLog audit,
    DurableTaskClient durable,
    IOptions<WorkshopOptions> options,
    TimeProvider time,
    ILogger<WaitlistPromotion> logger)
{
    public async Task<RegistrationResult> AcceptOfferAsync(InvitationContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (context.Registration is not { Status: RegistrationStatus.Offered } offered || offered.OfferExpiresAt <= now)
        {
            return RegistrationResult.Problem(StatusCodes.Status409Conflict, "no_offer");
        }

        var before = offered.ToAudit();
        var row = offered.Copy();
        row.Status = RegistrationStatus.Confirmed;
        row.OfferExpiresAt = null;
        row.Revision++;
        row.UpdatedAt = now;
        try
        {
            // The seat was held in the counter when the offer was made, so only the row changes.
            await store.UpdateAsync(row, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return RegistrationResult.Problem(StatusCodes.Status409Conflict, "no_offer");
        }

        await audit.RecordAsync(new AuditRecord(WorkshopMapping.RegistrationRecordType, row.AuditId(), "offer-accepted", before, row.ToAudit()) { Actor = "person:" + row.PersonId }, cancellationToken);
        await emails.SendAsync(context.Series, context.Sessions.First(s => s.Id == row.SessionId), row, null, context.Token, cancellationToken);
        await OfferAnsweredAsync(row, row.OfferId!, "accepted", cancellationToken);
        return new RegistrationResult(row, StatusCodes.Status200OK);
    }

    /// <summary>Called when an offer's time is up: if still open, it lapses and the seat goes to the next person. Safe to repeat.</summary>
    public async Task<bool> LapseOfferAsync(string seriesId, string personId, string offerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var outcome = await WorkshopStore.RetryOnConflictAsync(() => ReleaseAsync(seriesId, personId, RegistrationStatus.Lapsed, offerId, now, cancellationToken), cancellationToken);
        if (outcome.Registration is not { } lapsed)
        {
            return false;
        }

        var (series, sessions) = await resolver.SeriesAsync(seriesId, cancellationToken);
        await audit.RecordAsync(new AuditRecord(WorkshopMapping.RegistrationRecordType, lapsed.AuditId(), "offer-lapsed", After: lapsed.ToAudit()) { Actor = "system:waitlist" }, cancellationToken);
        if (series is not null && sessions.FirstOrDefault(s => s.Id == lapsed.SessionId) is { } session)
        {
            await emails.SendWithNewLinkAsync(series, sessions, session, lapsed, null, cancellationToken);
            await AnnounceAsync(series, outcome.Promoted, cancellationToken);
        }

        return true;
    }

    /// <summary>Offers freed or added seats of a session to its waitlist (after a capacity increase).</summary>
    public async Task PromoteAsync(string seriesId, string sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var promoted = await WorkshopStore.RetryOnConflictAsync(
            async () =>
            {
                var m = await SeatChange.LoadAsync(store, seriesId, cancellationToken);
                await OfferFreeSeatsAsync(m, sessionId, now, cancellationToken);
                await m.CommitAsync(store, cancellationToken);
                return m.Promoted;
            },
            cancellationToken);
        var (series, _) = await resolver.SeriesAsync(seriesId, cancellationToken);
        if (series is not null)
        {
            await AnnounceAsync(series, promoted, cancellationToken);
        }
    }

    /// <summary>
    /// Ends an active registration (cancelled, or lapsed when <paramref name="onlyOfferId"/> is still
    /// its open offer) and offers its seat on, in one commit. Returns the row (null when there was
    /// nothing to end), the offer it held, and who was offered a seat.
    /// </summary>
    internal async Task<(RegistrationEntity? Registration, string? OfferId, List<RegistrationEntity> Promoted)> ReleaseAsync(
        string seriesId, string personId, string newStatus, string? onlyOfferId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var m = await SeatChange.LoadAsync(store, seriesId, cancellationToken);
        var row = await store.GetRegistrationAsync(seriesId, personId, cancellationToken);
        if (row is null || !RegistrationStatus.IsActive(row.Status)
            || (onlyOfferId is not null && (row.Status != RegistrationStatus.Offered || row.OfferId != onlyOfferId)))
        {
            return (null, null, []);
        }

        var offerId = row.Status == RegistrationStatus.Offered ? row.OfferId : null;
        m.Release(row);
        row.Status = newStatus;
        row.OfferExpiresAt = null;
        row.Revision++;
        row.UpdatedAt = now;
        m.Write(row);
        await OfferFreeSeatsAsync(m, row.SessionId, now, cancellationToken);
        await m.CommitAsync(store, cancellationToken);
        return (row, offerId, m.Promoted);
    }

    /// <summary>Offers every free seat of the session to the waitlist, first come first served, as part of the change.</summary>
    internal async Task OfferFreeSeatsAsync(SeatChange m, string sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!m.Counters.TryGetValue(sessionId, out var counter))
        {
            return;
        }

        var waitlist = counter.Waitlisted > 0 && counter.Taken < counter.Capacity
            ? (await store.ListRegistrationsAsync(m.SeriesId, cancellationToken))
                .Where(r => r.SessionId == sessionId && r.Status == RegistrationStatus.Waitlisted && !m.Touches(r))
                .OrderBy(r => r.WaitlistNumber)
                .ToList()
            : [];
        var index = 0;
        while (counter.Taken < counter.Capacity && counter.Waitlisted > 0)
        {
            if (index >= waitlist.Count)
            {
                // The counter said someone was waiting but nobody is: repair it.
                counter.Waitlisted = 0;
                m.Touch(counter);
                break;
            }

            var next = waitlist[index++];
            next.Status = RegistrationStatus.Offered;
            next.OfferId = Guid.NewGuid().ToString("N")[..12];
            next.OfferExpiresAt = now + options.Value.OfferLifetime;
            next.Revision++;
            next.UpdatedAt = now;
            counter.Taken++;
            counter.Waitlisted--;
            m.Touch(counter);
            m.Write(next);
            m.Promoted.Add(next);
        }
    }

    /// <summary>Once the offers are committed: each is audited, emailed, and timed by its own <see cref="WaitlistOfferOrchestrator"/>.</summary>
    internal async Task AnnounceAsync(SeriesEntity series, List<RegistrationEntity> promoted, CancellationToken cancellationToken)
    {
        if (promoted.Count == 0)
        {
            return;
        }

        var (_, sessions) = await resolver.SeriesAsync(series.Id, cancellationToken);
        foreach (var row in promoted)
        {
            await audit.RecordAsync(new AuditRecord(WorkshopMapping.RegistrationRecordType, row.AuditId(), "offered", After: row.ToAudit()) { Actor = "system:waitlist" }, cancellationToken);
            var session = sessions.FirstOrDefault(s => s.Id == row.SessionId);
            if (session is not null)
            {
                await emails.SendWithNewLinkAsync(series, sessions, session, row, null, cancellationToken);
            }

            await durable.StartOnceAsync(
                nameof(WaitlistOfferOrchestrator),
                new WaitlistOfferOrchestrator.Input(row.SeriesId, row.PersonId, row.OfferId!, row.OfferExpiresAt!.Value.UtcDateTime),
                WaitlistOfferOrchestrator.InstanceIdFor(row.SeriesId, row.PersonId, row.OfferId!),
                cancellationToken);
        }
    }

    /// <summary>Tells the offer's orchestration it was answered ("accepted" or "cancelled"), so its timer stops.</summary>
    internal async Task OfferAnsweredAsync(RegistrationEntity row, string offerId, string answer, CancellationToken cancellationToken)
    {
        var instanceId = WaitlistOfferOrchestrator.InstanceIdFor(row.SeriesId, row.PersonId, offerId);
        try
        {
            await durable.RaiseEventAsync(instanceId, WaitlistOfferOrchestrator.AnsweredEvent, answer, cancellationToken);
        }
        catch (Exception ex) when (ex is Grpc.Core.RpcException or InvalidOperationException)
        {
            // The engine may be unreachable for a moment; the record above is what counts, and the orchestration's own timer ends it.
            logger.LogInformation("Event {Event} for {InstanceId} not delivered: {Reason}", WaitlistOfferOrchestrator.AnsweredEvent, instanceId, ex.Message);
        }
    }
}
