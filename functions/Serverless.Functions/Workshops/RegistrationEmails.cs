using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Workshops;

/// <summary>
/// The email that tells a person where their registration stands (confirmed, waitlisted with their
/// place, offered, cancelled, lapsed), keyed by the registration's revision so the outbox sends
/// each state once, with a link back to the invitation page.
/// </summary>
public sealed class RegistrationEmails(
    WorkshopEmails emails,
    IEmailSender email,
    InvitationLinks links,
    WorkshopStore store,
    IOptions<WorkshopOptions> options,
    TimeProvider time)
{
    /// <summary>The outbox key of the email about this revision of the registration.</summary>
    public static string Key(RegistrationEntity row) => $"workshop-registration/{row.SeriesId}/{row.PersonId}/{row.Revision}";

    public static WorkshopEmails.Recipient Recipient(RegistrationEntity row) => new(row.PersonId, row.Email, row.Name, row.Language);

    /// <summary>Sends the email from a request, linking back with the token the person came with.</summary>
    public async Task SendAsync(SeriesEntity series, SessionEntity session, RegistrationEntity row, int? position, string token, CancellationToken cancellationToken) =>
        await email.SendAsync(emails.Registration(Key(row), Recipient(row), series, session, row, position ?? await WaitlistPlaceAsync(row, cancellationToken), links.InvitationLink(token)), cancellationToken);

    /// <summary>Sends the email from outside a request (the original token is known only to its holder), with a fresh link to the same invitation.</summary>
    public async Task SendWithNewLinkAsync(SeriesEntity series, IReadOnlyList<SessionEntity> sessions, SessionEntity session, RegistrationEntity row, int? position, CancellationToken cancellationToken)
    {
        position ??= await WaitlistPlaceAsync(row, cancellationToken);
        await email.SendAsync(emails.Registration(Key(row), Recipient(row), series, session, row, position, await NewLinkAsync(row, sessions, cancellationToken)), cancellationToken);
    }

    /// <summary>Withdraws the calendar entry of the session the person moved away from (same UID, METHOD:CANCEL).</summary>
    public async Task SendWithdrawnAsync(SeriesEntity series, SessionEntity old, RegistrationEntity changed, string token, CancellationToken cancellationToken)
    {
        var withdrawn = changed.Copy();
        withdrawn.Status = RegistrationStatus.Cancelled;
        withdrawn.SessionId = old.Id;
        await email.SendAsync(emails.Registration(Key(changed) + "/withdrawn", Recipient(changed), series, old, withdrawn, null, links.InvitationLink(token)), cancellationToken);
    }

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

    private async Task<Uri> NewLinkAsync(RegistrationEntity row, IReadOnlyList<SessionEntity> sessions, CancellationToken cancellationToken)
    {
        var until = (sessions.Count == 0 ? time.GetUtcNow() : sessions.Max(s => s.EndUtc)) + options.Value.LinkGraceAfterLastSession;
        var token = await links.IssueInvitationAsync(row.CampaignId ?? "direct", row.PersonId, until, cancellationToken);
        return links.InvitationLink(token);
    }
}
