using System.Globalization;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Localization;

namespace Serverless.Functions.Workshops;

/// <summary>
/// The workshop emails, in the recipient's language from the server catalogue (keys
/// "email.workshop*"). Every piece of text, including people's own answers, is HTML-encoded in
/// the HTML body; the text body carries the same content as plain text.
/// </summary>
public sealed class WorkshopEmails(ILocalizer localizer, TimeProvider time)
{
    public sealed record Recipient(string PersonId, string Email, string Name, string Language);

    public EmailMessage Invitation(string messageKey, Recipient to, SeriesEntity series, IReadOnlyList<SessionEntity> sessions, DateTimeOffset deadline, Uri link, bool reminder)
    {
        var lang = Languages.Normalize(to.Language);
        var template = reminder ? "email.workshopInvitationReminder" : "email.workshopInvitation";
        var title = Languages.TextIn(series.TitleMap, lang);
        var lines = new List<string> { T(lang, template + ".body", title, EmailComposer.Instant(deadline, lang)) };
        var description = Languages.TextIn(series.DescriptionMap, lang);
        if (description.Length > 0)
        {
            lines.Add(description);
        }

        var details = sessions.OrderBy(s => s.StartUtc)
            .Select(s => (Languages.TextIn(s.TitleMap, lang), When(s, lang)))
            .ToList();
        return Compose(messageKey, to, T(lang, template + ".subject", title), lines, details, (T(lang, "email.workshopInvitation.action"), link), T(lang, "email.workshopInvitation.personal"), []);
    }

    public EmailMessage Registration(string messageKey, Recipient to, SeriesEntity series, SessionEntity session, RegistrationEntity registration, int? waitlistPosition, Uri link)
    {
        var lang = Languages.Normalize(to.Language);
        var sessionTitle = Languages.TextIn(session.TitleMap, lang);
        var (template, args, withCalendar) = registration.Status switch
        {
            RegistrationStatus.Confirmed => ("email.workshopConfirmed", new object?[] { sessionTitle }, true),
            RegistrationStatus.Waitlisted => ("email.workshopWaitlisted", new object?[] { sessionTitle, waitlistPosition ?? 0 }, false),
            RegistrationStatus.Offered => ("email.workshopOffer", new object?[] { sessionTitle, EmailComposer.Instant(registration.OfferExpiresAt ?? time.GetUtcNow(), lang) }, false),
            RegistrationStatus.Lapsed => ("email.workshopOfferLapsed", new object?[] { sessionTitle }, false),
            _ => ("email.workshopCancelled", new object?[] { sessionTitle }, true),
        };

        var details = SessionDetails(session, lang);
        var questions = series.QuestionList;
        foreach (var (id, answer) in registration.AnswerMap)
        {
            var label = questions.FirstOrDefault(q => q.Id == id) is { } q ? Languages.TextIn(q.Labels, lang) : id;
            details.Add((label, answer));
        }

        var attachments = new List<EmailAttachment>();
        if (withCalendar)
        {
            var cancelled = registration.Status != RegistrationStatus.Confirmed;
            attachments.Add(WorkshopCalendar.Attachment(
                WorkshopCalendar.Build(series, session, registration.PersonId, lang, registration.Revision, cancelled, time.GetUtcNow()),
                cancelled ? "workshop-cancelled.ics" : "workshop.ics"));
        }

        var action = registration.Status == RegistrationStatus.Offered ? T(lang, "email.workshopOffer.action") : T(lang, "email.workshop.manage");
        return Compose(messageKey, to, T(lang, template + ".subject", sessionTitle), [T(lang, template + ".body", args)], details, (action, link), T(lang, "email.workshopInvitation.personal"), attachments);
    }

    public EmailMessage SessionReminder(string messageKey, Recipient to, SessionEntity session, Uri? link)
    {
        var lang = Languages.Normalize(to.Language);
        var title = Languages.TextIn(session.TitleMap, lang);
        return Compose(messageKey, to, T(lang, "email.workshopSessionReminder.subject", title), [T(lang, "email.workshopSessionReminder.body", title, When(session, lang))], SessionDetails(session, lang), link is null ? null : (T(lang, "email.workshop.manage"), link), null, []);
    }

    public EmailMessage Survey(string messageKey, Recipient to, SessionEntity session, Uri link)
    {
        var lang = Languages.Normalize(to.Language);
        var title = Languages.TextIn(session.TitleMap, lang);
        return Compose(messageKey, to, T(lang, "email.workshopSurvey.subject", title), [T(lang, "email.workshopSurvey.body", title)], [], (T(lang, "email.workshopSurvey.action"), link), null, []);
    }

    public string When(SessionEntity session, string language)
    {
        var culture = MessageCatalogue.CultureFor(language);
        var start = DateTime.ParseExact(session.StartLocal, WorkshopValidation.LocalTimeFormat, CultureInfo.InvariantCulture);
        var end = DateTime.ParseExact(session.EndLocal, WorkshopValidation.LocalTimeFormat, CultureInfo.InvariantCulture);
        var endText = end.Date == start.Date ? end.ToString("t", culture) : end.ToString("f", culture);
        return $"{start.ToString("D", culture)} {start.ToString("t", culture)}–{endText} ({session.TimeZone})";
    }

    private List<(string Label, string Value)> SessionDetails(SessionEntity session, string lang)
    {
        var details = new List<(string, string)> { (T(lang, "email.workshop.when"), When(session, lang)) };
        if (session.OnlineUrl is { Length: > 0 } url)
        {
            details.Add((T(lang, "email.workshop.online"), url));
        }

        if (session.Venue is { Length: > 0 } venue)
        {
            details.Add((T(lang, "email.workshop.venue"), venue));
        }

        return details;
    }

    private string T(string language, string key, params object?[] args) => localizer.Get(language, key, args);

    private EmailMessage Compose(
        string messageKey,
        Recipient to,
        string subject,
        IReadOnlyList<string> paragraphs,
        IReadOnlyList<(string Label, string Value)> details,
        (string Label, Uri Link)? action,
        string? footnote,
        IReadOnlyList<EmailAttachment> attachments) =>
        EmailComposer.Compose(localizer, messageKey, to.Email, to.Name, to.Language, subject, paragraphs, details, action is { } a ? [a] : [], footnote, attachments);
}
