using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Workshops;

/// <summary>Everything an invitation link gives access to, resolved from its token.</summary>
public sealed record InvitationContext(
    string Token,
    CampaignEntity Campaign,
    InvitationEntity Invitation,
    SeriesEntity Series,
    IReadOnlyList<SessionEntity> Sessions,
    PersonEntity Person,
    RegistrationEntity? Registration,
    bool FromLinkSnapshot = false);

/// <summary>
/// Who an invitation link was issued to, as the link's holder was then (the invitation's address,
/// name, language and organisation): what a new registration needs, kept in memory by token hash
/// so that a burst of registrations reads nothing per request. Token rows never change and
/// invitation links are never used up, so what ages is the expiry, checked on use, and the
/// person: <see cref="ErasureGeneration"/> is the registry's erasure generation taken before the
/// person was known to exist, and a snapshot from an older generation is not trusted (see
/// <see cref="RegistrationService.PersonErasedAsync"/>).
/// </summary>
public sealed record InvitationLinkSnapshot(string CampaignId, string PersonId, string Email, string Name, string Language, string? OrganisationId, DateTimeOffset ValidUntil, long ErasureGeneration = 0);

/// <summary>The outcome of a registration action: a registration, or a status with a problem code or field errors. Nothing is written on failure.</summary>
public sealed record RegistrationResult(RegistrationEntity? Registration, int Status, string? Code = null, Dictionary<string, string[]>? Errors = null, int? WaitlistPosition = null, IReadOnlyDictionary<string, SeatCount>? Counters = null)
{
    public bool Succeeded => Code is null && Errors is null;

    public static RegistrationResult Problem(int status, string code) => new(null, status, code);

    public static RegistrationResult Invalid(Dictionary<string, string[]> errors) => new(null, StatusCodes.Status400BadRequest, null, errors);
}

/// <summary>
/// Registration through an invitation link: register (a seat or a waitlist place from the
/// <see cref="SeatAllocator"/>), change, cancel, accept a waitlist offer, decline the invitation.
/// Every seat change is one transaction over the registration rows and the session counters,
/// conditional on their ETags and retried when another writer got there first. A freed seat is
/// offered to the first waitlisted person; the offer lapses through <see cref="WaitlistOfferOrchestrator"/>.
/// </summary>
public sealed class RegistrationService(
    WorkshopStore store,
    SeatAllocator seats,
    RegistrationFollowUps followUps,
    PeopleStore people,
    OrganisationStore organisations,
    InvitationLinks links,
    WorkshopEmails emails,
    IEmailSender email,
    EmailOutbox outbox,
    IAuditLog audit,
    DurableTaskClient durable,
    IOptions<WorkshopOptions> options,
    TimeProvider time,
    ILogger<RegistrationService> logger) : IPersonErasureObserver
{
    public const string RecordType = "workshop-registration";
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LinkCacheLifetime = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, object Value)> _cache = new(StringComparer.Ordinal);
    private readonly MemoryCache _links = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    /// <summary>People erased while this process ran: never remembered again, never emailed from here.</summary>
    private readonly ConcurrentDictionary<string, byte> _erased = new(StringComparer.Ordinal);
    private readonly Lock _erasureLock = new();
    private long _erasureGeneration;
    private string? _erasureVersion;
    private (long At, Task<string> Read)? _erasureRead;

    /// <summary>Issues a personal invitation link to the recipient and remembers who it went to, so registering through it reads nothing.</summary>
    public async Task<string> IssueInvitationLinkAsync(string campaignId, WorkshopEmails.Recipient to, string? organisationId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var generation = await ErasureGenerationAsync(cancellationToken);
        var token = await links.IssueInvitationAsync(campaignId, to.PersonId, until, cancellationToken);
        RememberLink(token, new InvitationLinkSnapshot(campaignId, to.PersonId, to.Email, to.Name, to.Language, organisationId, until, generation));
        return token;
    }

    /// <summary>Keeps what a freshly issued (or just resolved) link stands for.</summary>
    private void RememberLink(string token, InvitationLinkSnapshot link)
    {
        var now = time.GetUtcNow();
        if (link.ValidUntil <= now || link.OrganisationId is null || !SecureToken.IsWellFormed(token) || _erased.ContainsKey(link.PersonId))
        {
            return;
        }

        var until = link.ValidUntil < now + LinkCacheLifetime ? link.ValidUntil : now + LinkCacheLifetime;
        _links.Set(SecureToken.Hash(token), link, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until });
    }

    /// <summary>
    /// Resolves a link for a new registration: from the link's snapshot when this process knows it
    /// (no storage read; the registration row is not read either, its Add finds a duplicate),
    /// otherwise as <see cref="ResolveAsync"/>.
    /// </summary>
    public async Task<(InvitationContext? Context, string? Failure)> ResolveForRegistrationAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SecureToken.IsWellFormed(token) || !_links.TryGetValue(SecureToken.Hash(token!), out InvitationLinkSnapshot? link) || link is null || link.ValidUntil <= time.GetUtcNow()
            || _erased.ContainsKey(link.PersonId) || link.ErasureGeneration != await ErasureGenerationAsync(cancellationToken))
        {
            // Unknown here, expired, or remembered before someone was erased: read the token, the
            // invitation and the person again (a deleted person's link is then refused).
            return await ResolveAsync(token, cancellationToken);
        }

        var campaign = await CachedAsync("campaign|" + link.CampaignId, () => store.GetCampaignAsync(link.CampaignId, CancellationToken.None));
        var (series, sessions) = campaign is null ? (null, []) : await SeriesAsync(campaign.SeriesId, cancellationToken);
        if (campaign is null || series is null)
        {
            return await ResolveAsync(token, cancellationToken);
        }

        var invitation = new InvitationEntity
        {
            CampaignId = link.CampaignId,
            SeriesId = series.Id,
            PersonId = link.PersonId,
            Email = link.Email,
            Name = link.Name,
            Language = link.Language,
            OrganisationId = link.OrganisationId,
            Status = InvitationStatus.Sent,
        };
        var person = new PersonEntity
        {
            Id = link.PersonId,
            RowKey = link.PersonId,
            Email = link.Email,
            Name = link.Name,
            PreferredLanguage = link.Language,
            OrganisationId = link.OrganisationId is "" ? null : link.OrganisationId,
        };
        return (new InvitationContext(token!, campaign, invitation, series, sessions, person, null, FromLinkSnapshot: true), null);
    }

    /// <summary>Resolves a link; the failure is a problem code (token_invalid, token_expired).</summary>
    public async Task<(InvitationContext? Context, string? Failure)> ResolveAsync(string? token, CancellationToken cancellationToken)
    {
        // Taken before the person is read: an erasure after the read makes this snapshot stale.
        var generation = await ErasureGenerationAsync(cancellationToken);
        var (subject, failure, expiresAt) = await links.FindInvitationAsync(token, cancellationToken);
        if (subject?.Split('|') is not [var campaignId, var personId])
        {
            return (null, failure ?? "token_invalid");
        }

        var campaign = await CachedAsync("campaign|" + campaignId, () => store.GetCampaignAsync(campaignId, CancellationToken.None));
        var invitation = await store.GetInvitationAsync(campaignId, personId, cancellationToken);
        var person = await people.GetAsync(personId, cancellationToken);
        if (campaign is null || invitation is null || person is null)
        {
            return (null, "token_invalid");
        }

        var (series, sessions) = await SeriesAsync(campaign.SeriesId, cancellationToken);
        if (series is null)
        {
            return (null, "token_invalid");
        }

        var registration = await store.GetRegistrationAsync(series.Id, personId, cancellationToken);
        RememberLink(token!, new InvitationLinkSnapshot(campaignId, personId, person.Email, person.Name, person.PreferredLanguage, person.OrganisationId ?? "", expiresAt, generation));
        return (new InvitationContext(token!, campaign, invitation, series, sessions, person, registration), null);
    }

    /// <summary>The series and its sessions, cached for a few seconds (the hot path of a registration burst); seat counts are never cached.</summary>
    public async Task<(SeriesEntity? Series, IReadOnlyList<SessionEntity> Sessions)> SeriesAsync(string seriesId, CancellationToken cancellationToken)
    {
        var series = await CachedAsync("series|" + seriesId, () => store.GetSeriesAsync(seriesId, CancellationToken.None));
        var sessions = series is null ? [] : await CachedAsync("sessions|" + seriesId, async () => (IReadOnlyList<SessionEntity>)await store.ListSessionsAsync(seriesId, CancellationToken.None));
        return (series, sessions ?? []);
    }

    /// <summary>
    /// Forgets every link remembered for the person (in this process at once; other processes
    /// within <see cref="WorkshopOptions.ErasureCheckInterval"/>, when they see the registry's erasure version
    /// change) and refuses to remember or email them again from this process.
    /// </summary>
    public Task PersonErasedAsync(string personId, CancellationToken cancellationToken)
    {
        _erased.TryAdd(personId, 0);
        lock (_erasureLock)
        {
            _erasureGeneration++;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// This process's erasure generation, moved on when the registry's erasure version changed
    /// (someone was deleted, perhaps by another process). The version is read at most once per
    /// <see cref="WorkshopOptions.ErasureCheckInterval"/>, shared by every request meanwhile: a burst of
    /// registrations pays one point read a second, not one per request.
    /// </summary>
    private async Task<long> ErasureGenerationAsync(CancellationToken cancellationToken)
    {
        Task<string> read;
        var now = Environment.TickCount64;
        lock (_erasureLock)
        {
            if (_erasureRead is not { } current || now - current.At >= (long)options.Value.ErasureCheckInterval.TotalMilliseconds || current.Read.IsFaulted)
            {
                _erasureRead = current = (now, people.ErasureVersionAsync(CancellationToken.None));
            }

            read = current.Read;
        }

        var version = await read.WaitAsync(cancellationToken);
        lock (_erasureLock)
        {
            if (!string.Equals(version, _erasureVersion, StringComparison.Ordinal))
            {
                // Someone was erased since the last read (here or in another process): every snapshot taken before is re-checked.
                if (_erasureVersion is not null)
                {
                    _erasureGeneration++;
                }

                _erasureVersion = version;
            }

            return _erasureGeneration;
        }
    }

    public void Invalidate(string seriesId)
    {
        _cache.TryRemove("series|" + seriesId, out _);
        _cache.TryRemove("sessions|" + seriesId, out _);
    }

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
                var (full, failure) = await ResolveAsync(context.Token, cancellationToken);
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
            var followUp = new RegistrationFollowUp(registered.Copy(), context.Registration?.ToAudit(), context.Series, session, result.WaitlistPosition, context.Token, context.Campaign.Id);
            if (!followUps.TryEnqueue(followUp))
            {
                await RunFollowUpAsync(followUp, cancellationToken);
            }
        }

        return result;
    }

    /// <summary>What a new registration still owes once its seat is committed: audit entry, confirmation email, the invitation's answer.</summary>
    public async Task RunFollowUpAsync(RegistrationFollowUp f, CancellationToken cancellationToken)
    {
        var row = f.Registration;
        await audit.RecordAsync(new AuditRecord(RecordType, AuditId(row), "registered", f.Before, row.ToAudit()) { Actor = "person:" + row.PersonId }, cancellationToken);
        if (!_erased.ContainsKey(row.PersonId))
        {
            // Erased while the answer went back: nothing more goes to their address.
            await SendRegistrationEmailAsync(f.Series, f.Session, row, f.WaitlistPosition, f.Token, cancellationToken);
        }

        await MarkInvitationAsync(f.CampaignId, row.PersonId, InvitationStatus.Registered, cancellationToken);

        // If the row changed meanwhile (and the change kept the flag), the sweep clears it, finding the work done.
        await ClearFollowUpAsync(row, cancellationToken);
    }

    /// <summary>
    /// Finishes a registration whose request stopped after its seat was committed: the audit entry
    /// and confirmation email (unless the outbox already has it, with a fresh link since the
    /// original token is known only to its holder), the invitation's answer, then clears the flag
    /// (conditional on the row's ETag; a row changed meanwhile is seen again by the next sweep).
    /// Returns true when the flag was cleared.
    /// </summary>
    /// <param name="waitlistPlace">The row's current place on its session's waitlist when the caller knows it (the sweep reads a series' waitlist once for all its rows); read here otherwise.</param>
    public async Task<bool> CompleteFollowUpAsync(RegistrationEntity row, int? waitlistPlace, CancellationToken cancellationToken)
    {
        var key = $"workshop-registration/{row.SeriesId}/{row.PersonId}/{row.Revision}";
        if (RegistrationStatus.IsActive(row.Status) && !await outbox.ContainsAsync(key, cancellationToken))
        {
            var (series, sessions) = await SeriesAsync(row.SeriesId, cancellationToken);
            var session = sessions.FirstOrDefault(s => s.Id == row.SessionId);
            if (series is not null && session is not null)
            {
                await audit.RecordAsync(new AuditRecord(RecordType, AuditId(row), "registered", After: row.ToAudit()) { Actor = "person:" + row.PersonId }, cancellationToken);

                // Not to someone erased meanwhile (a rare path, so the registry is asked).
                if (!_erased.ContainsKey(row.PersonId) && await people.GetAsync(row.PersonId, cancellationToken) is not null)
                {
                    waitlistPlace ??= await WaitlistPlaceAsync(row, cancellationToken);
                    await email.SendAsync(emails.Registration(key, Recipient(row), series, session, row, waitlistPlace, await NewLinkAsync(row, series, sessions, cancellationToken)), cancellationToken);
                }
            }
        }

        if (RegistrationStatus.IsActive(row.Status) && row.CampaignId is { } campaignId)
        {
            await MarkInvitationAsync(campaignId, row.PersonId, InvitationStatus.Registered, cancellationToken);
        }

        return await ClearFollowUpAsync(row, cancellationToken);
    }

    /// <summary>Clears the owed follow-up, conditional on the row's ETag; false when the row changed meanwhile.</summary>
    private async Task<bool> ClearFollowUpAsync(RegistrationEntity row, CancellationToken cancellationToken)
    {
        row.FollowUpDueAt = null;
        try
        {
            await store.UpdateAsync(row, cancellationToken);
            return true;
        }
        catch (WriteConflictException)
        {
            return false;
        }
    }

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
            await audit.RecordAsync(new AuditRecord(RecordType, AuditId(changed), "changed", before, changed.ToAudit()) { Actor = "person:" + changed.PersonId }, cancellationToken);
            if (outcome.OldSession is { } old && old.Id != target.Id && outcome.HeldSeat)
            {
                // The old calendar entry is withdrawn (same UID, METHOD:CANCEL).
                var withdrawn = changed.Copy();
                withdrawn.Status = RegistrationStatus.Cancelled;
                withdrawn.SessionId = old.Id;
                await email.SendAsync(emails.Registration($"workshop-registration/{changed.SeriesId}/{changed.PersonId}/{changed.Revision}/withdrawn", Recipient(changed), context.Series, old, withdrawn, null, links.InvitationLink(context.Token)), cancellationToken);
            }

            await SendRegistrationEmailAsync(context.Series, target, changed, outcome.Result.WaitlistPosition, context.Token, cancellationToken);
            await AfterPromotionsAsync(context.Series, outcome.Promoted, cancellationToken);
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
        var outcome = await WorkshopStore.RetryOnConflictAsync(() => CancelOnceAsync(context.Series.Id, current.PersonId, RegistrationStatus.Cancelled, null, now, cancellationToken), cancellationToken);
        if (outcome.Registration is { } cancelled)
        {
            await audit.RecordAsync(new AuditRecord(RecordType, AuditId(cancelled), "cancelled", before, cancelled.ToAudit()) { Actor = "person:" + cancelled.PersonId }, cancellationToken);
            var session = context.Sessions.First(s => s.Id == cancelled.SessionId);
            await SendRegistrationEmailAsync(context.Series, session, cancelled, null, context.Token, cancellationToken);
            if (outcome.OfferId is { } offerId)
            {
                await RaiseQuietlyAsync(WaitlistOfferOrchestrator.InstanceIdFor(cancelled.SeriesId, cancelled.PersonId, offerId), WaitlistOfferOrchestrator.AnsweredEvent, "cancelled", cancellationToken);
            }

            await AfterPromotionsAsync(context.Series, outcome.Promoted, cancellationToken);
            return new RegistrationResult(cancelled, StatusCodes.Status200OK);
        }

        return RegistrationResult.Problem(StatusCodes.Status409Conflict, "not_registered");
    }

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

        await audit.RecordAsync(new AuditRecord(RecordType, AuditId(row), "offer-accepted", before, row.ToAudit()) { Actor = "person:" + row.PersonId }, cancellationToken);
        await SendRegistrationEmailAsync(context.Series, context.Sessions.First(s => s.Id == row.SessionId), row, null, context.Token, cancellationToken);
        await RaiseQuietlyAsync(WaitlistOfferOrchestrator.InstanceIdFor(row.SeriesId, row.PersonId, row.OfferId!), WaitlistOfferOrchestrator.AnsweredEvent, "accepted", cancellationToken);
        return new RegistrationResult(row, StatusCodes.Status200OK);
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

        await MarkInvitationAsync(context.Campaign.Id, context.Person.Id, InvitationStatus.Declined, cancellationToken);
        await audit.RecordAsync(new AuditRecord("workshop-invitation", context.Campaign.Id + "/" + context.Person.Id, "declined") { Actor = "person:" + context.Person.Id }, cancellationToken);
        return new RegistrationResult(null, StatusCodes.Status200OK);
    }

    /// <summary>Called when an offer's time is up: if still open, it lapses and the seat goes to the next person. Safe to repeat.</summary>
    public async Task<bool> LapseOfferAsync(string seriesId, string personId, string offerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var outcome = await WorkshopStore.RetryOnConflictAsync(() => CancelOnceAsync(seriesId, personId, RegistrationStatus.Lapsed, offerId, now, cancellationToken), cancellationToken);
        if (outcome.Registration is not { } lapsed)
        {
            return false;
        }

        var (series, sessions) = await SeriesAsync(seriesId, cancellationToken);
        await audit.RecordAsync(new AuditRecord(RecordType, AuditId(lapsed), "offer-lapsed", After: lapsed.ToAudit()) { Actor = "system:waitlist" }, cancellationToken);
        if (series is not null && sessions.FirstOrDefault(s => s.Id == lapsed.SessionId) is { } session)
        {
            await email.SendAsync(emails.Registration($"workshop-registration/{seriesId}/{personId}/{lapsed.Revision}", Recipient(lapsed), series, session, lapsed, null, await NewLinkAsync(lapsed, series, sessions, cancellationToken)), cancellationToken);
            await AfterPromotionsAsync(series, outcome.Promoted, cancellationToken);
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
                var m = await Mutation.LoadAsync(store, seriesId, cancellationToken);
                await PromoteNextAsync(m, sessionId, now, cancellationToken);
                await m.CommitAsync(store, cancellationToken);
                return m.Promoted;
            },
            cancellationToken);
        var (series, _) = await SeriesAsync(seriesId, cancellationToken);
        if (series is not null)
        {
            await AfterPromotionsAsync(series, promoted, cancellationToken);
        }
    }

    /// <summary>Records an answer on the invitation and tells its orchestration, which stops waiting (and reminding).</summary>
    public async Task MarkInvitationAsync(string campaignId, string personId, string status, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await WorkshopStore.RetryOnConflictAsync(
            async () =>
            {
                var invitation = await store.GetInvitationAsync(campaignId, personId, cancellationToken);
                if (invitation is null || invitation.Status == status || invitation.Status is InvitationStatus.Expired or InvitationStatus.Bounced
                    || (status == InvitationStatus.Declined && invitation.Status == InvitationStatus.Registered))
                {
                    return null;
                }

                invitation.Status = status;
                invitation.AnsweredAt = now;
                await store.UpdateAsync(invitation, cancellationToken);
                return invitation;
            },
            cancellationToken);
    }

    private async Task<RegistrationResult> ReactivateAsync(InvitationContext context, string personId, SessionEntity session, Dictionary<string, string> answers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var m = await Mutation.LoadAsync(store, context.Series.Id, cancellationToken);
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

    private async Task<(RegistrationResult Result, SessionEntity? OldSession, bool HeldSeat, List<RegistrationEntity> Promoted)> ChangeOnceAsync(
        string seriesId, string personId, SessionEntity target, Dictionary<string, string> answers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var m = await Mutation.LoadAsync(store, seriesId, cancellationToken);
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
            await PromoteNextAsync(m, from, now, cancellationToken);
        }

        await m.CommitAsync(store, cancellationToken);
        return (new RegistrationResult(row, StatusCodes.Status200OK, WaitlistPosition: row.WaitlistPositionAtCommit), oldSession, heldSeat, m.Promoted);
    }

    private async Task<(RegistrationEntity? Registration, string? OfferId, List<RegistrationEntity> Promoted)> CancelOnceAsync(
        string seriesId, string personId, string newStatus, string? onlyOfferId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var m = await Mutation.LoadAsync(store, seriesId, cancellationToken);
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
        await PromoteNextAsync(m, row.SessionId, now, cancellationToken);
        await m.CommitAsync(store, cancellationToken);
        return (row, offerId, m.Promoted);
    }

    /// <summary>Offers every free seat of the session to the waitlist, first come first served.</summary>
    private async Task PromoteNextAsync(Mutation m, string sessionId, DateTimeOffset now, CancellationToken cancellationToken)
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

    private async Task AfterPromotionsAsync(SeriesEntity series, List<RegistrationEntity> promoted, CancellationToken cancellationToken)
    {
        if (promoted.Count == 0)
        {
            return;
        }

        var (_, sessions) = await SeriesAsync(series.Id, cancellationToken);
        foreach (var row in promoted)
        {
            await audit.RecordAsync(new AuditRecord(RecordType, AuditId(row), "offered", After: row.ToAudit()) { Actor = "system:waitlist" }, cancellationToken);
            var session = sessions.FirstOrDefault(s => s.Id == row.SessionId);
            if (session is not null)
            {
                await email.SendAsync(emails.Registration($"workshop-registration/{row.SeriesId}/{row.PersonId}/{row.Revision}", Recipient(row), series, session, row, null, await NewLinkAsync(row, series, sessions, cancellationToken)), cancellationToken);
            }

            await durable.StartOnceAsync(
                nameof(WaitlistOfferOrchestrator),
                new WaitlistOfferOrchestrator.Input(row.SeriesId, row.PersonId, row.OfferId!, row.OfferExpiresAt!.Value.UtcDateTime),
                WaitlistOfferOrchestrator.InstanceIdFor(row.SeriesId, row.PersonId, row.OfferId!),
                cancellationToken);
        }
    }

    private async Task SendRegistrationEmailAsync(SeriesEntity series, SessionEntity session, RegistrationEntity row, int? position, string token, CancellationToken cancellationToken) =>
        await email.SendAsync(emails.Registration($"workshop-registration/{row.SeriesId}/{row.PersonId}/{row.Revision}", Recipient(row), series, session, row, position ?? await WaitlistPlaceAsync(row, cancellationToken), links.InvitationLink(token)), cancellationToken);

    /// <summary>
    /// Every waitlisted person's current place in a series (person id → place, 1 = next in line),
    /// from one read of its registrations.
    /// </summary>
    public async Task<Dictionary<string, int>> WaitlistPlacesAsync(string seriesId, CancellationToken cancellationToken) =>
        (await store.ListRegistrationsAsync(seriesId, cancellationToken))
            .Where(r => r.Status == RegistrationStatus.Waitlisted)
            .GroupBy(r => r.SessionId, StringComparer.Ordinal)
            .SelectMany(session => session.OrderBy(r => r.WaitlistNumber).Select((r, index) => (r.PersonId, Place: index + 1)))
            .ToDictionary(p => p.PersonId, p => p.Place, StringComparer.Ordinal);

    /// <summary>The row's place on its waitlist when it is waitlisted (null otherwise): what its email names when the commit's own count is not at hand.</summary>
    private async Task<int?> WaitlistPlaceAsync(RegistrationEntity row, CancellationToken cancellationToken) =>
        row.Status == RegistrationStatus.Waitlisted && (await WaitlistPlacesAsync(row.SeriesId, cancellationToken)).TryGetValue(row.PersonId, out var place) ? place : null;

    /// <summary>A fresh link to the same invitation for emails sent outside a request (the original token is known only to its holder).</summary>
    private async Task<Uri> NewLinkAsync(RegistrationEntity row, SeriesEntity series, IReadOnlyList<SessionEntity> sessions, CancellationToken cancellationToken)
    {
        var until = (sessions.Count == 0 ? time.GetUtcNow() : sessions.Max(s => s.EndUtc)) + options.Value.LinkGraceAfterLastSession;
        var token = await links.IssueInvitationAsync(row.CampaignId ?? "direct", row.PersonId, until, cancellationToken);
        return links.InvitationLink(token);
    }

    private async Task RaiseQuietlyAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken)
    {
        try
        {
            await durable.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
        }
        catch (Exception ex) when (ex is Grpc.Core.RpcException or InvalidOperationException)
        {
            // The engine may be unreachable for a moment; the record above is what counts, and the orchestration's own timer ends it.
            logger.LogInformation("Event {Event} for {InstanceId} not delivered: {Reason}", eventName, instanceId, ex.Message);
        }
    }

    /// <summary>An organisation's name in a language, cached briefly like the series (a burst of registrations shares a few organisations).</summary>
    public async Task<string?> OrganisationNameAsync(string? organisationId, string language, CancellationToken cancellationToken)
    {
        if (organisationId is null)
        {
            return null;
        }

        var organisation = await CachedAsync("organisation|" + organisationId, () => organisations.GetAsync(organisationId, CancellationToken.None));
        return organisation?.NameIn(language);
    }

    /// <summary>
    /// A value read at most once per <see cref="CacheLifetime"/>: concurrent callers share one read
    /// (a burst of a thousand requests arriving on an expired entry costs one read, not a thousand).
    /// A failed or empty read is not kept. The shared read is not tied to any one request's cancellation.
    /// </summary>
    private async Task<T?> CachedAsync<T>(string key, Func<Task<T?>> load)
        where T : class
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && now - hit.At < CacheLifetime)
        {
            // The hot path: a live entry, no allocation.
            return await ((Lazy<Task<T?>>)hit.Value).Value;
        }

        var fresh = (At: now, Value: (object)new Lazy<Task<T?>>(load));
        var entry = _cache.AddOrUpdate(key, _ => fresh, (_, existing) => now - existing.At < CacheLifetime ? existing : fresh);
        var task = ((Lazy<Task<T?>>)entry.Value).Value;
        T? value = null;
        try
        {
            value = await task;
            return value;
        }
        finally
        {
            if (value is null)
            {
                // Not found or failed: the next caller reads again.
                _cache.TryRemove(new KeyValuePair<string, (DateTimeOffset, object)>(key, entry));
            }
        }
    }

    internal static WorkshopEmails.Recipient Recipient(RegistrationEntity row) => new(row.PersonId, row.Email, row.Name, row.Language);

    private static string AuditId(RegistrationEntity row) => row.SeriesId + "/" + row.PersonId;

    /// <summary>The writes of one seat change: the series' counters as read (with ETags) and the rows changed, committed as one transaction.</summary>
    private sealed class Mutation
    {
        private readonly Dictionary<string, ITableEntity> _writes = new(StringComparer.Ordinal);

        private Mutation(string seriesId, Dictionary<string, SeatCounterEntity> counters)
        {
            SeriesId = seriesId;
            Counters = counters;
        }

        public string SeriesId { get; }

        public Dictionary<string, SeatCounterEntity> Counters { get; }

        public List<RegistrationEntity> Promoted { get; } = [];

        public static async Task<Mutation> LoadAsync(WorkshopStore store, string seriesId, CancellationToken cancellationToken) =>
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
}
