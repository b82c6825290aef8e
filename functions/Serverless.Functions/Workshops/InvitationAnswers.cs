using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Workshops;

/// <summary>
/// An invitation answered through its link: a registration (a seat or a waitlist place from the
/// <see cref="SeatAllocator"/>, or the person's earlier row back to life), or a decline. A new
/// registration's audit entry, email and invitation answer follow the commit
/// (<see cref="RegistrationFollowUps"/>).
/// </summary>
public sealed class InvitationAnswers(
    InvitationResolver resolver,
    SeatAllocator seats,
    WorkshopStore store,
    RegistrationFollowUps followUps,
    IAuditLog audit,
    IOptions<WorkshopOptions> options,
    TimeProvider time)
{
    public async Task<RegistrationResult> RegisterAsync(InvitationContext context, RegisterRequest request, FieldMessages messages, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var questions = context.Series.QuestionList;
        var errors = WorkshopValidation.ValidateAnswers(questions, request.Answers, [], messages);
        var session = context.Sessions.FirstOrDefault(s => s.Id == request.SessionId);
        if (session is null)
        {
            errors["sessionId"] = [messages["workshops.validation.session_required"]];
        }

        if (request.Consent != true)
        {
            errors["consent"] = [messages["workshops.validation.consent_required"]];
        }

        if (errors.Count > 0)
        {
            return RegistrationResult.Invalid(errors);
        }

        if (context.Registration is { } existing && RegistrationStatus.IsActive(existing.Status))
        {
            return RegistrationResult.Problem(StatusCodes.Status409Conflict, "already_registered");
        }

        if (context.Invitation.Status == InvitationStatus.Expired || context.Campaign.Deadline <= now)
        {
            return RegistrationResult.Problem(StatusCodes.Status400BadRequest, "invitation_expired");
        }

        if (session!.RegistrationDeadline <= now)
        {
            return RegistrationResult.Problem(StatusCodes.Status400BadRequest, "registration_closed");
        }

        var answers = WorkshopValidation.CleanAnswers(questions, request.Answers);
        RegistrationResult result;
        if (context.Registration is { } inactive)
        {
            // Registered before and cancelled (or let an offer lapse): the same row comes back to life.
            result = await WorkshopStore.RetryOnConflictAsync(() => ReactivateAsync(context, inactive.PersonId, session, answers, now, cancellationToken), cancellationToken);
        }
        else
        {
            var row = new RegistrationEntity
            {
                PartitionKey = WorkshopStore.SeriesPartition(context.Series.Id),
                RowKey = RegistrationEntity.Prefix + context.Person.Id,
                SeriesId = context.Series.Id,
                PersonId = context.Person.Id,
                Name = context.Person.Name,
                Email = context.Person.Email,
                Language = context.Person.PreferredLanguage,
                OrganisationId = context.Person.OrganisationId,
                CampaignId = context.Campaign.Id,
                SessionId = session.Id,
                Answers = TableJson.Write(answers),
                ConsentGivenAt = now,
                ConsentTextVersion = options.Value.ConsentTextVersion,
                CreatedAt = now,
                UpdatedAt = now,
                FollowUpDueAt = now,
            };
            var allocation = await seats.AllocateAsync(row, session.WaitlistEnabled, context.Sessions.Select(s => s.Id), cancellationToken);
            if (allocation.Outcome == SeatOutcome.AlreadyRegistered && context.FromLinkSnapshot)
            {
                // The row was not read up front: now it is, to tell a live registration (409) from a
                // cancelled one that comes back to life.
                var (full, failure) = await resolver.ResolveAsync(context.Token, cancellationToken);
                return full is null
                    ? RegistrationResult.Problem(StatusCodes.Status404NotFound, failure ?? "token_invalid")
                    : await RegisterAsync(full, request, messages, cancellationToken);
            }

            result = allocation.Outcome switch
            {
                SeatOutcome.Confirmed or SeatOutcome.Waitlisted => new RegistrationResult(row, StatusCodes.Status201Created, WaitlistPosition: row.WaitlistPositionAtCommit, Counters: allocation.Counters),
                SeatOutcome.Full => RegistrationResult.Problem(StatusCodes.Status409Conflict, "session_full"),
                SeatOutcome.AlreadyRegistered => RegistrationResult.Problem(StatusCodes.Status409Conflict, "already_registered"),
                _ => RegistrationResult.Problem(StatusCodes.Status404NotFound, "session_not_found"),
            };
        }

        if (result.Registration is { } registered)
        {
            // The seat is committed with its follow-up owed; the answer goes back now and the
            // follow-up runs in the background (the sweep finishes it if this process stops first).
            await followUps.StartAsync(new RegistrationFollowUp(registered.Copy(), context.Registration?.ToAudit(), context.Series, session, result.WaitlistPosition, context.Token, context.Campaign.Id), cancellationToken);
        }

        return result;
    }

    public async Task<RegistrationResult> DeclineAsync(InvitationContext context, CancellationToken cancellationToken)
    {
        if (context.Registration is { } current && RegistrationStatus.IsActive(current.Status))
        {
            return RegistrationResult.Problem(StatusCodes.Status409Conflict, "already_registered");
        }

        if (context.Invitation.Status == InvitationStatus.Expired || context.Campaign.Deadline <= time.GetUtcNow())
        {
            return RegistrationResult.Problem(StatusCodes.Status400BadRequest, "invitation_expired");
        }

        await followUps.MarkInvitationAsync(context.Campaign.Id, context.Person.Id, InvitationStatus.Declined, cancellationToken);
        await audit.RecordAsync(new AuditRecord("workshop-invitation", context.Campaign.Id + "/" + context.Person.Id, "declined") { Actor = "person:" + context.Person.Id }, cancellationToken);
        return new RegistrationResult(null, StatusCodes.Status200OK);
    }

    private async Task<RegistrationResult> ReactivateAsync(InvitationContext context, string personId, SessionEntity session, Dictionary<string, string> answers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var m = await SeatChange.LoadAsync(store, context.Series.Id, cancellationToken);
        var row = await store.GetRegistrationAsync(context.Series.Id, personId, cancellationToken);
        if (row is null || RegistrationStatus.IsActive(row.Status))
        {
            return RegistrationResult.Problem(StatusCodes.Status409Conflict, "already_registered");
        }

        if (!m.Place(row, session))
        {
            return RegistrationResult.Problem(StatusCodes.Status409Conflict, "session_full");
        }

        row.Answers = TableJson.Write(answers);
        row.CampaignId = context.Campaign.Id;
        row.ConsentGivenAt = now;
        row.ConsentTextVersion = options.Value.ConsentTextVersion;
        row.OfferExpiresAt = null;
        row.Attended = null;
        row.Revision++;
        row.UpdatedAt = now;
        row.FollowUpDueAt = now;
        m.Write(row);
        await m.CommitAsync(store, cancellationToken);
        return new RegistrationResult(row, StatusCodes.Status201Created, WaitlistPosition: row.WaitlistPositionAtCommit);
    }
}
