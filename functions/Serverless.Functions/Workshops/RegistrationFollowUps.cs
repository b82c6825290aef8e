using System.Threading.Channels;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Workshops;

/// <summary>A committed registration's follow-up: who, what it was before, and the link the person used.</summary>
public sealed record RegistrationFollowUp(RegistrationEntity Registration, object? Before, SeriesEntity Series, SessionEntity Session, int? WaitlistPosition, string Token, string CampaignId);

/// <summary>
/// What a new registration still owes once its seat is committed: the audit entry, the
/// confirmation email and the invitation's answer. Queued for <see cref="RegistrationFollowUpWorker"/>,
/// so a burst of registrations is answered as soon as the seats are committed; bounded, and when
/// full the request does its own follow-up. <see cref="RegistrationFollowUpSweep"/> finishes those a
/// stopped request left owing.
/// </summary>
public sealed class RegistrationFollowUps(
    WorkshopStore store,
    PeopleStore people,
    InvitationResolver resolver,
    RegistrationEmails emails,
    EmailOutbox outbox,
    IAuditLog audit,
    TimeProvider time)
{
    private readonly Channel<RegistrationFollowUp> _channel = Channel.CreateBounded<RegistrationFollowUp>(new BoundedChannelOptions(5_000) { FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<RegistrationFollowUp> Reader => _channel.Reader;

    /// <summary>Hands the follow-up to the worker, or runs it here when the queue is full.</summary>
    public async Task StartAsync(RegistrationFollowUp followUp, CancellationToken cancellationToken)
    {
        if (!_channel.Writer.TryWrite(followUp))
        {
            await RunAsync(followUp, cancellationToken);
        }
    }

    /// <summary>The follow-up of a registration just committed: audit entry, confirmation email, the invitation's answer.</summary>
    public async Task RunAsync(RegistrationFollowUp f, CancellationToken cancellationToken)
    {
        var row = f.Registration;
        await audit.RecordAsync(new AuditRecord(WorkshopMapping.RegistrationRecordType, row.AuditId(), "registered", f.Before, row.ToAudit()) { Actor = "person:" + row.PersonId }, cancellationToken);
        if (!resolver.IsErased(row.PersonId))
        {
            // Erased while the answer went back: nothing more goes to their address.
            await emails.SendAsync(f.Series, f.Session, row, f.WaitlistPosition, f.Token, cancellationToken);
        }

        await MarkInvitationAsync(f.CampaignId, row.PersonId, InvitationStatus.Registered, cancellationToken);

        // If the row changed meanwhile (and the change kept the flag), the sweep clears it, finding the work done.
        await ClearAsync(row, cancellationToken);
    }

    /// <summary>
    /// Finishes a registration whose request stopped after its seat was committed: the audit entry
    /// and confirmation email (unless the outbox already has it, with a fresh link since the
    /// original token is known only to its holder), the invitation's answer, then clears the flag
    /// (conditional on the row's ETag; a row changed meanwhile is seen again by the next sweep).
    /// Returns true when the flag was cleared.
    /// </summary>
    /// <param name="waitlistPlace">The row's current place on its session's waitlist when the caller knows it (the sweep reads a series' waitlist once for all its rows); read here otherwise.</param>
    public async Task<bool> CompleteAsync(RegistrationEntity row, int? waitlistPlace, CancellationToken cancellationToken)
    {
        if (RegistrationStatus.IsActive(row.Status) && !await outbox.ContainsAsync(RegistrationEmails.Key(row), cancellationToken))
        {
            var (series, sessions) = await resolver.SeriesAsync(row.SeriesId, cancellationToken);
            var session = sessions.FirstOrDefault(s => s.Id == row.SessionId);
            if (series is not null && session is not null)
            {
                await audit.RecordAsync(new AuditRecord(WorkshopMapping.RegistrationRecordType, row.AuditId(), "registered", After: row.ToAudit()) { Actor = "person:" + row.PersonId }, cancellationToken);

                // Not to someone erased meanwhile (a rare path, so the registry is asked).
                if (!resolver.IsErased(row.PersonId) && await people.GetAsync(row.PersonId, cancellationToken) is not null)
                {
                    await emails.SendWithNewLinkAsync(series, sessions, session, row, waitlistPlace, cancellationToken);
                }
            }
        }

        if (RegistrationStatus.IsActive(row.Status) && row.CampaignId is { } campaignId)
        {
            await MarkInvitationAsync(campaignId, row.PersonId, InvitationStatus.Registered, cancellationToken);
        }

        return await ClearAsync(row, cancellationToken);
    }

    /// <summary>Records an answer on the invitation and tells its orchestration, which stops waiting (and reminding).</summary>
    public async Task MarkInvitationAsync(string campaignId, string personId, string status, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await WorkshopStore.RetryOnConflictAsync(
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

    /// <summary>Clears the owed follow-up, conditional on the row's ETag; false when the row changed meanwhile.</summary>
    private async Task<bool> ClearAsync(RegistrationEntity row, CancellationToken cancellationToken)
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
}

/// <summary>
/// Runs queued follow-ups a few at a time. One that fails keeps its flag on the registration row,
/// and <see cref="RegistrationFollowUpSweep"/> finishes it later; so does a stop with work queued.
/// While people are waiting for their seats the follow-ups yield to them (for at most
/// <see cref="MaxYield"/> each): in a burst, storage goes to the answers first.
/// </summary>
public sealed class RegistrationFollowUpWorker(RegistrationFollowUps followUps, SeatAllocator seats, ILogger<RegistrationFollowUpWorker> logger) : BackgroundService
{
    private const int Concurrency = 4;
    private static readonly TimeSpan MaxYield = TimeSpan.FromSeconds(2);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => RunAsync(stoppingToken)));

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var followUp in followUps.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    var yieldUntil = Environment.TickCount64 + (long)MaxYield.TotalMilliseconds;
                    while (seats.Busy && Environment.TickCount64 < yieldUntil)
                    {
                        await Task.Delay(20, stoppingToken);
                    }

                    await followUps.RunAsync(followUp, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Follow-up of the registration of {PersonId} in series {SeriesId} failed; the sweep finishes it", followUp.Registration.PersonId, followUp.Registration.SeriesId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is left is finished by the sweep.
        }
    }
}
