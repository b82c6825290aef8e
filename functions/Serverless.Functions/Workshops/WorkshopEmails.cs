using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
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
        var title = WorkshopJson.In(series.TitleMap, lang);
        var lines = new List<string> { T(lang, template + ".body", title, FormatInstant(deadline, lang)) };
        var description = WorkshopJson.In(series.DescriptionMap, lang);
        if (description.Length > 0)
        {
            lines.Add(description);
        }

        var details = sessions.OrderBy(s => s.StartUtc)
            .Select(s => (WorkshopJson.In(s.TitleMap, lang), When(s, lang)))
            .ToList();
        return Compose(messageKey, to, T(lang, template + ".subject", title), lines, details, (T(lang, "email.workshopInvitation.action"), link), T(lang, "email.workshopInvitation.personal"), []);
    }

    public EmailMessage Registration(string messageKey, Recipient to, SeriesEntity series, SessionEntity session, RegistrationEntity registration, int? waitlistPosition, Uri link)
    {
        var lang = Languages.Normalize(to.Language);
        var sessionTitle = WorkshopJson.In(session.TitleMap, lang);
        var (template, args, withCalendar) = registration.Status switch
        {
            RegistrationStatus.Confirmed => ("email.workshopConfirmed", new object?[] { sessionTitle }, true),
            RegistrationStatus.Waitlisted => ("email.workshopWaitlisted", new object?[] { sessionTitle, waitlistPosition ?? 0 }, false),
            RegistrationStatus.Offered => ("email.workshopOffer", new object?[] { sessionTitle, FormatInstant(registration.OfferExpiresAt ?? time.GetUtcNow(), lang) }, false),
            RegistrationStatus.Lapsed => ("email.workshopOfferLapsed", new object?[] { sessionTitle }, false),
            _ => ("email.workshopCancelled", new object?[] { sessionTitle }, true),
        };

        var details = SessionDetails(session, lang);
        var questions = series.QuestionList;
        foreach (var (id, answer) in registration.AnswerMap)
        {
            var label = questions.FirstOrDefault(q => q.Id == id) is { } q ? WorkshopJson.In(q.Labels, lang) : id;
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
        var title = WorkshopJson.In(session.TitleMap, lang);
        return Compose(messageKey, to, T(lang, "email.workshopSessionReminder.subject", title), [T(lang, "email.workshopSessionReminder.body", title, When(session, lang))], SessionDetails(session, lang), link is null ? null : (T(lang, "email.workshop.manage"), link), null, []);
    }

    public EmailMessage Survey(string messageKey, Recipient to, SessionEntity session, Uri link)
    {
        var lang = Languages.Normalize(to.Language);
        var title = WorkshopJson.In(session.TitleMap, lang);
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

    private static string FormatInstant(DateTimeOffset instant, string language) =>
        instant.UtcDateTime.ToString("f", MessageCatalogue.CultureFor(language)) + " UTC";

    private string T(string language, string key, params object?[] args) => localizer.Get(language, key, args);

    private EmailMessage Compose(
        string messageKey,
        Recipient to,
        string subject,
        IReadOnlyList<string> paragraphs,
        IReadOnlyList<(string Label, string Value)> details,
        (string Label, Uri Link)? action,
        string? footnote,
        IReadOnlyList<EmailAttachment> attachments)
    {
        var lang = Languages.Normalize(to.Language);
        var greeting = string.IsNullOrWhiteSpace(to.Name) ? T(lang, "email.greeting.anonymous") : T(lang, "email.greeting", to.Name);
        var signature = T(lang, "email.signature");

        var text = new StringBuilder().AppendLine(greeting).AppendLine();
        foreach (var p in paragraphs)
        {
            text.AppendLine(p).AppendLine();
        }

        foreach (var (label, value) in details)
        {
            text.Append(label).Append(": ").AppendLine(value);
        }

        if (details.Count > 0)
        {
            text.AppendLine();
        }

        if (action is { } a)
        {
            text.AppendLine(a.Label + ":").AppendLine(a.Link.AbsoluteUri).AppendLine();
        }

        if (footnote is not null)
        {
            text.AppendLine(footnote).AppendLine();
        }

        text.AppendLine(signature);

        var h = HtmlEncoder.Default;
        var html = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{Languages.Direction(lang)}\">\n<head><meta charset=\"utf-8\"><title>{h.Encode(subject)}</title></head>\n")
            .Append("<body style=\"font-family: system-ui, sans-serif; line-height: 1.5;\">\n")
            .Append(CultureInfo.InvariantCulture, $"<p>{h.Encode(greeting)}</p>\n");
        foreach (var p in paragraphs)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p style=\"white-space: pre-line;\">{h.Encode(p)}</p>\n");
        }

        if (details.Count > 0)
        {
            html.Append("<dl>\n");
            foreach (var (label, value) in details)
            {
                html.Append(CultureInfo.InvariantCulture, $"<dt style=\"font-weight: bold;\">{h.Encode(label)}</dt><dd style=\"white-space: pre-line; margin-inline-start: 1em;\">{h.Encode(value)}</dd>\n");
            }

            html.Append("</dl>\n");
        }

        if (action is { } act)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{h.Encode(act.Link.AbsoluteUri)}\" style=\"display:inline-block;padding:0.6em 1.2em;background:#0b5cad;color:#fff;text-decoration:none;border-radius:4px;\">{h.Encode(act.Label)}</a></p>\n")
                .Append(CultureInfo.InvariantCulture, $"<p style=\"font-size:0.9em;color:#555;\" dir=\"ltr\">{h.Encode(act.Link.AbsoluteUri)}</p>\n");
        }

        if (footnote is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p style=\"font-size:0.9em;color:#555;\">{h.Encode(footnote)}</p>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"<p>{h.Encode(signature)}</p>\n</body>\n</html>\n");

        return new EmailMessage
        {
            MessageKey = messageKey,
            To = to.Email,
            ToName = to.Name,
            Subject = subject,
            TextBody = text.ToString(),
            HtmlBody = html.ToString(),
            Language = lang,
            Attachments = attachments,
        };
    }
}
