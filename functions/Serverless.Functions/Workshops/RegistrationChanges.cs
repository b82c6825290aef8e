using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Workshops;

/// <summary>
/// A registered person's changes through their invitation link: another session or other answers,
/// or a cancellation. Every seat change is one transaction over the registration rows and the
/// session counters, conditional on their ETags and retried when another writer got there first;
/// a seat it frees goes to the waitlist (<see cref="WaitlistPromotion"/>).
/// </summary>
public sealed class RegistrationChanges(
    WorkshopStore store,
    WaitlistPromotion waitlist,
    RegistrationEmails emails,
    IAuditLog audit,
    TimeProvider time)
{
    public async Task<RegistrationResult> ChangeAsync(InvitationContext context, ChangeRequest request, FieldMessages messages, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = WorkshopValidation.ValidateAnswers(context.Series.QuestionList, request.Answers, [], messages);
        var target = context.Sessions.FirstOrDefault(s => s.Id == (request.SessionId ?? context.Registration?.SessionId));
        if (target is null)
        {
            errors["sessionId"] = [messages["workshops.validation.session_required"]];
        }

        if (errors.Count > 0)
        {
            return RegistrationResult.Invalid(errors);
        }

        if (context.Registration is not { } current || !RegistrationStatus.IsActive(current.Status))
        {
            return RegistrationResult.Problem(StatusCodes.Status409Conflict, "not_registered");
        }

        var moving = target!.Id != current.SessionId;
        if (moving && target.RegistrationDeadline <= now)
        {
            return RegistrationResult.Problem(StatusCodes.Status400BadRequest, "registration_closed");
        }

        var answers = WorkshopValidation.CleanAnswers(context.Series.QuestionList, request.Answers);
        var before = current.ToAudit();
        var outcome = await WorkshopStore.RetryOnConflictAsync(() => ChangeOnceAsync(context.Series.Id, current.PersonId, target, answers, now, cancellationToken), cancellationToken);
        if (outcome.Result.Registration is { } changed)
        {
            await audit.RecordAsync(new AuditRecord(WorkshopMapping.RegistrationRecordType, changed.AuditId(), "changed", before, changed.ToAudit()) { Actor = "person:" + changed.PersonId }, cancellationToken);
            if (outcome.OldSession is { } old && old.Id != target.Id && outcome.HeldSeat)
            {
                await emails.SendWithdrawnAsync(context.Series, old, changed, context.Token, cancellationToken);
            }

            await emails.SendAsync(context.Series, target, changed, outcome.Result.WaitlistPosition, context.Token, cancellationToken);
            await waitlist.AnnounceAsync(context.Series, outcome.Promoted, cancellationToken);
        }

        return outcome.Result;
    }

    public async Task<RegistrationResult> CancelAsync(InvitationContext context, CancellationToken cancellationToken)
    {
        if (context.Registration is not { } current || !RegistrationStatus.IsActive(current.Status))
        {
            return RegistrationResult.Problem(StatusCodes.Status409Conflict, "not_registered");
        }

        var now = time.GetUtcNow();
        var before = current.ToAudit();
        var outcome = await WorkshopStore.RetryOnConflictAsync(() => waitlist.ReleaseAsync(context.Series.Id, current.PersonId, RegistrationStatus.Cancelled, null, now, cancellationToken), cancellationToken);
        if (outcome.Registration is { } cancelled)
        {
            await audit.RecordAsync(new AuditRecord(WorkshopMapping.RegistrationRecordType, cancelled.AuditId(), "cancelled", before, cancelled.ToAudit()) { Actor = "person:" + cancelled.PersonId }, cancellationToken);
            var session = context.Sessions.First(s => s.Id == cancelled.SessionId);
            await emails.SendAsync(context.Series, session, cancelled, null, context.Token, cancellationToken);
            if (outcome.OfferId is { } offerId)
            {
                await waitlist.OfferAnsweredAsync(cancelled, offerId, "cancelled", cancellationToken);
            }

            await waitlist.AnnounceAsync(context.Series, outcome.Promoted, cancellationToken);
            return new RegistrationResult(cancelled, StatusCodes.Status200OK);
        }

        return RegistrationResult.Problem(StatusCodes.Status409Conflict, "not_registered");
    }

    private async Task<(RegistrationResult Result, SessionEntity? OldSession, bool HeldSeat, List<RegistrationEntity> Promoted)> ChangeOnceAsync(
        string seriesId, string personId, SessionEntity target, Dictionary<string, string> answers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var m = await SeatChange.LoadAsync(store, seriesId, cancellationToken);
        var row = await store.GetRegistrationAsync(seriesId, personId, cancellationToken);
        if (row is null || !RegistrationStatus.IsActive(row.Status))
        {
            return (RegistrationResult.Problem(StatusCodes.Status409Conflict, "not_registered"), null, false, []);
        }

        var oldSession = await store.GetSessionAsync(seriesId, row.SessionId, cancellationToken);
        var heldSeat = RegistrationStatus.HoldsSeat(row.Status);
        row.Answers = TableJson.Write(answers);
        row.Revision++;
        row.UpdatedAt = now;
        m.Write(row);
        if (target.Id != row.SessionId)
        {
            var from = row.SessionId;
            m.Release(row);
            if (!m.Place(row, target))
            {
                return (RegistrationResult.Problem(StatusCodes.Status409Conflict, "session_full"), null, false, []);
            }

            row.OfferExpiresAt = null;
            await waitlist.OfferFreeSeatsAsync(m, from, now, cancellationToken);
        }

        await m.CommitAsync(store, cancellationToken);
        return (new RegistrationResult(row, StatusCodes.Status200OK, WaitlistPosition: row.WaitlistPositionAtCommit), oldSession, heldSeat, m.Promoted);
    }
}
