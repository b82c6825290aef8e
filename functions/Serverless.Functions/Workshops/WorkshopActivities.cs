using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Workshops;

// The campaign's and the sessions' activities: the only places with I/O. Each may run more than
// once, so each is idempotent: rows are written conditionally and every email has a key naming
// the business event (campaign + person), which the outbox delivers once.

/// <summary>The campaign's counts from its invitation records (the source of truth the portal shows too).</summary>
public sealed class CountInvitations(WorkshopStore store) : TaskActivity<string, CampaignProgress>
{
    public override async Task<CampaignProgress> RunAsync(TaskActivityContext context, string campaignId)
    {
        var rows = await store.ListInvitationsAsync(campaignId, CancellationToken.None);
        return CampaignProgress.From(rows.Count, rows.Count(r => r.SentAt is not null), rows.Select(r => r.Status));
    }
}

/// <summary>
/// Sends the personal invitations of a batch (email key: campaign + person) and marks each sent,
/// or bounced when the person cannot be reached. A repeat of the batch skips what was sent.
/// </summary>
public sealed class SendWorkshopInvitations(
    WorkshopStore store,
    InvitationResolver resolver,
    InvitationLinks links,
    WorkshopEmails emails,
    IEmailSender email,
    IOptions<WorkshopOptions> options,
    TimeProvider time) : TaskActivity<WorkshopInvitationOrchestrator.Batch, BatchOutcome>
{
    /// <summary>Invitations of one batch sent at once: each is a few storage calls and an outbox write.</summary>
    private const int Parallelism = 8;

    public static string MessageKey(string campaignId, string personId) => $"workshop-invitation/{campaignId}/{personId}";

    public override async Task<BatchOutcome> RunAsync(TaskActivityContext context, WorkshopInvitationOrchestrator.Batch batch)
    {
        var statuses = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            batch.PersonIds,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (personId, _) => statuses.Add(await SendAsync(batch, personId)));
        return new BatchOutcome(statuses.Count(s => s == InvitationStatus.Sent), statuses.Count(s => s == InvitationStatus.Bounced));
    }

    private async Task<string> SendAsync(WorkshopInvitationOrchestrator.Batch input, string personId)
    {
        // The invitation record holds the invitee's address, name and language as of the campaign's start.
        var invitation = await store.GetInvitationAsync(input.CampaignId, personId, CancellationToken.None);
        if (invitation is null)
        {
            return InvitationStatus.Bounced;
        }

        if (invitation.Status != InvitationStatus.Pending)
        {
            return invitation.Status is InvitationStatus.Bounced ? InvitationStatus.Bounced : InvitationStatus.Sent;
        }

        var (series, sessions) = await resolver.SeriesAsync(input.SeriesId, CancellationToken.None);
        if (!RegistryValidation.IsValidEmail(invitation.Email) || series is null)
        {
            await SetStatusAsync(invitation, InvitationStatus.Bounced, series is null ? "The series was deleted." : "No valid email address.");
            return InvitationStatus.Bounced;
        }

        var until = LinkExpiry(sessions, input.DeadlineUtc, options.Value, time);
        var to = new WorkshopEmails.Recipient(invitation.PersonId, invitation.Email, invitation.Name, invitation.Language);
        var token = await resolver.IssueInvitationLinkAsync(input.CampaignId, to, invitation.OrganisationId, until, CancellationToken.None);
        var message = emails.Invitation(
            MessageKey(input.CampaignId, invitation.PersonId),
            to,
            series,
            sessions,
            new DateTimeOffset(input.DeadlineUtc, TimeSpan.Zero),
            links.InvitationLink(token),
            reminder: false);
        await email.SendAsync(message, CancellationToken.None);
        await SetStatusAsync(invitation, InvitationStatus.Sent, null);
        return InvitationStatus.Sent;
    }

    internal static DateTimeOffset LinkExpiry(IReadOnlyList<SessionEntity> sessions, DateTime deadlineUtc, WorkshopOptions options, TimeProvider time)
    {
        var last = sessions.Count == 0 ? new DateTimeOffset(deadlineUtc, TimeSpan.Zero) : sessions.Max(s => s.EndUtc);
        var until = last + options.LinkGraceAfterLastSession;
        return until > time.GetUtcNow() ? until : time.GetUtcNow() + options.LinkGraceAfterLastSession;
    }

    /// <summary>Marks the invitation sent (or bounced) unless it moved on meanwhile; written with the ETag it was read with.</summary>
    private async Task SetStatusAsync(InvitationEntity read, string status, string? error)
    {
        var now = time.GetUtcNow();
        var row = read;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (row is null || row.Status != InvitationStatus.Pending)
            {
                return;
            }

            row.Status = status;
            row.Error = error;
            row.SentAt = status == InvitationStatus.Sent ? now : null;
            try
            {
                await store.UpdateAsync(row, CancellationToken.None);
                return;
            }
            catch (WriteConflictException)
            {
                row = await store.GetInvitationAsync(read.CampaignId, read.PersonId, CancellationToken.None);
            }
        }
    }
}

/// <summary>Reminds the invitees of a batch who have not answered (a fresh link; email key: campaign + person); returns how many were reminded.</summary>
public sealed class SendInvitationReminders(
    WorkshopStore store,
    PeopleStore people,
    InvitationResolver resolver,
    InvitationLinks links,
    WorkshopEmails emails,
    IEmailSender email,
    IOptions<WorkshopOptions> options,
    TimeProvider time) : TaskActivity<WorkshopInvitationOrchestrator.Batch, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, WorkshopInvitationOrchestrator.Batch batch)
    {
        var wanted = batch.PersonIds.ToHashSet(StringComparer.Ordinal);
        var silent = (await store.ListInvitationsAsync(batch.CampaignId, CancellationToken.None))
            .Where(i => wanted.Contains(i.PersonId) && i.Status == InvitationStatus.Sent)
            .Select(i => i.PersonId)
            .ToList();
        var reminded = 0;
        await Parallel.ForEachAsync(
            silent,
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (personId, _) =>
            {
                if (await RemindAsync(batch, personId))
                {
                    Interlocked.Increment(ref reminded);
                }
            });
        return reminded;
    }

    private async Task<bool> RemindAsync(WorkshopInvitationOrchestrator.Batch input, string personId)
    {
        var invitation = await store.GetInvitationAsync(input.CampaignId, personId, CancellationToken.None);
        var person = await people.GetAsync(personId, CancellationToken.None);
        var (series, sessions) = await resolver.SeriesAsync(input.SeriesId, CancellationToken.None);
        if (invitation is not { Status: InvitationStatus.Sent } || person is null || series is null)
        {
            return false;
        }

        var until = SendWorkshopInvitations.LinkExpiry(sessions, input.DeadlineUtc, options.Value, time);
        var to = new WorkshopEmails.Recipient(person.Id, person.Email, person.Name, person.PreferredLanguage);
        var token = await resolver.IssueInvitationLinkAsync(input.CampaignId, to, person.OrganisationId ?? "", until, CancellationToken.None);
        await email.SendAsync(
            emails.Invitation(
                $"workshop-invitation-reminder/{input.CampaignId}/{person.Id}",
                to,
                series,
                sessions,
                new DateTimeOffset(input.DeadlineUtc, TimeSpan.Zero),
                links.InvitationLink(token),
                reminder: true),
            CancellationToken.None);

        await WorkshopStore.RetryOnConflictAsync(
            async () =>
            {
                var row = await store.GetInvitationAsync(input.CampaignId, personId, CancellationToken.None);
                if (row is null || row.RemindedAt is not null)
                {
                    return false;
                }

                row.RemindedAt = time.GetUtcNow();
                await store.UpdateAsync(row, CancellationToken.None);
                return true;
            },
            CancellationToken.None);
        return true;
    }
}

/// <summary>Expires the invitations of a batch nobody answered (an answer that came first stays); returns how many expired.</summary>
public sealed class ExpireInvitations(WorkshopStore store, IAuditLog audit, TimeProvider time) : TaskActivity<WorkshopInvitationOrchestrator.Batch, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, WorkshopInvitationOrchestrator.Batch input)
    {
        var wanted = input.PersonIds.ToHashSet(StringComparer.Ordinal);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var now = time.GetUtcNow();
            var rows = (await store.ListInvitationsAsync(input.CampaignId, CancellationToken.None)).Where(r => wanted.Contains(r.PersonId)).ToList();
            var open = rows.Where(r => InvitationStatus.IsOpen(r.Status)).ToList();
            foreach (var row in open)
            {
                row.Status = InvitationStatus.Expired;
                row.AnsweredAt = now;
            }

            try
            {
                // Conditional on each row's ETag: a registration or decline committed meanwhile makes the chunk retry.
                foreach (var chunk in open.Chunk(100))
                {
                    await store.SubmitAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateReplace, r, r.ETag)).ToList(), CancellationToken.None);
                }
            }
            catch (WriteConflictException)
            {
                continue;
            }

            if (open.Count > 0)
            {
                await audit.RecordAsync(new AuditRecord(CampaignsApi.RecordType, input.CampaignId, "invitations-expired", After: new { count = open.Count, personIds = open.Select(r => r.PersonId) }) { Actor = "system:workshop-campaign" }, CancellationToken.None);
            }

            return open.Count;
        }

        throw new InvalidOperationException($"The invitations of campaign {input.CampaignId} kept changing; the activity is retried.");
    }
}

/// <summary>Lapses a waitlist offer that was not taken in time; the seat goes to the next person.</summary>
public sealed class LapseWaitlistOffer(WaitlistPromotion waitlist) : TaskActivity<WaitlistOfferOrchestrator.Input, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, WaitlistOfferOrchestrator.Input input) =>
        waitlist.LapseOfferAsync(input.SeriesId, input.PersonId, input.OfferId, CancellationToken.None);
}

/// <summary>Emails the reminder to everyone with a seat in the session (email key: session + start + person).</summary>
public sealed class SendSessionReminders(
    WorkshopStore store,
    InvitationResolver resolver,
    InvitationLinks links,
    WorkshopEmails emails,
    IEmailSender email,
    IOptions<WorkshopOptions> options) : TaskActivity<SessionReminderOrchestrator.Input, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, SessionReminderOrchestrator.Input input)
    {
        var session = await store.GetSessionAsync(input.SeriesId, input.SessionId, CancellationToken.None);

        // Moved or deleted since the reminder was scheduled: the reminder for the new time does the work.
        if (session is null || session.StartUtc.UtcDateTime != input.StartUtc)
        {
            return 0;
        }

        var (_, sessions) = await resolver.SeriesAsync(input.SeriesId, CancellationToken.None);
        var seated = (await store.ListRegistrationsAsync(input.SeriesId, CancellationToken.None))
            .Where(r => r.SessionId == input.SessionId && r.Status == RegistrationStatus.Confirmed)
            .ToList();
        var until = sessions.Count == 0 ? session.EndUtc + options.Value.LinkGraceAfterLastSession : sessions.Max(s => s.EndUtc) + options.Value.LinkGraceAfterLastSession;
        foreach (var row in seated)
        {
            Uri? link = null;
            if (row.CampaignId is { } campaignId)
            {
                link = links.InvitationLink(await links.IssueInvitationAsync(campaignId, row.PersonId, until, CancellationToken.None));
            }

            await email.SendAsync(emails.SessionReminder($"workshop-session-reminder/{input.SeriesId}/{input.SessionId}/{input.StartUtc.Ticks}/{row.PersonId}", RegistrationEmails.Recipient(row), session, link), CancellationToken.None);
        }

        return seated.Count;
    }
}
