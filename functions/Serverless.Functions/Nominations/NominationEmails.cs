using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Localization;

namespace Serverless.Functions.Nominations;

/// <summary>
/// The nomination emails in the recipient's language from the server catalogue (keys
/// "email.nomination.*"). All text, including what nominators and reviewers wrote, is
/// HTML-encoded in the HTML body; the text body carries the same content.
/// </summary>
public sealed class NominationEmails(ILocalizer localizer)
{
    public sealed record Recipient(string Email, string Name, string Language);

    public EmailMessage Submitted(string messageKey, Recipient to, CallEntity call, NominationEntity nomination)
    {
        var lang = Languages.Normalize(to.Language);
        var callTitle = NominationJson.In(call.TitleMap, lang);
        return Compose(
            messageKey,
            to,
            T(lang, "email.nomination.submitted.subject", nomination.Title),
            [T(lang, "email.nomination.submitted.body", nomination.Title, callTitle, Instant(call.ClosesAt, lang))],
            [(T(lang, "email.nomination.field.title"), nomination.Title), (T(lang, "email.nomination.field.team"), nomination.Team)],
            [],
            null);
    }

    public EmailMessage ReviewRequest(string messageKey, Recipient to, CallEntity call, NominationEntity nomination, DateTimeOffset deadline, IReadOnlyList<(string LabelKey, Uri Link)> links, bool reminder)
    {
        var lang = Languages.Normalize(to.Language);
        var template = reminder ? "email.nomination.reviewReminder" : "email.nomination.review";
        var callTitle = NominationJson.In(call.TitleMap, lang);
        var criteria = string.Join(", ", call.CriterionList.Select(c => NominationJson.In(c.Labels, lang)));
        var details = new List<(string, string)> { (T(lang, "email.nomination.field.title"), nomination.Title) };
        if (criteria.Length > 0)
        {
            details.Add((T(lang, "email.nomination.field.criteria"), criteria));
        }

        return Compose(
            messageKey,
            to,
            T(lang, template + ".subject", nomination.Title),
            [T(lang, template + ".body", nomination.Title, callTitle, Instant(deadline, lang))],
            details,
            [.. links.Select(l => (T(lang, l.LabelKey), l.Link))],
            T(lang, "email.nomination.review.personal"));
    }

    public EmailMessage Decision(string messageKey, Recipient to, CallEntity call, NominationEntity nomination, bool selected, IReadOnlyList<string> comments)
    {
        var lang = Languages.Normalize(to.Language);
        var template = selected ? "email.nomination.selected" : "email.nomination.rejected";
        var callTitle = NominationJson.In(call.TitleMap, lang);
        var paragraphs = new List<string> { T(lang, template + ".body", nomination.Title, callTitle) };
        var details = new List<(string, string)>();
        for (var i = 0; i < comments.Count; i++)
        {
            details.Add((T(lang, "email.nomination.comment", i + 1), comments[i]));
        }

        return Compose(messageKey, to, T(lang, template + ".subject", nomination.Title), paragraphs, details, [], null);
    }

    /// <summary>A TRADE email (report form, reminder, gate) with one personal link: "{template}.subject/.body" take the project title, the stage name and a date.</summary>
    public EmailMessage Trade(string messageKey, Recipient to, string template, string projectTitle, int stage, DateTimeOffset? when, string actionKey, Uri link)
    {
        var lang = Languages.Normalize(to.Language);
        var stageName = T(lang, "email.trade.stage." + TradeStages.Name(stage));
        var date = when is { } w ? Instant(w, lang) : "";
        return Compose(
            messageKey,
            to,
            T(lang, template + ".subject", projectTitle, stageName),
            [T(lang, template + ".body", projectTitle, stageName, date)],
            [],
            [(T(lang, actionKey), link)],
            T(lang, "email.nomination.review.personal"));
    }

    private static string Instant(DateTimeOffset instant, string language) =>
        instant.UtcDateTime.ToString("f", MessageCatalogue.CultureFor(language)) + " UTC";

    private string T(string language, string key, params object?[] args) => localizer.Get(language, key, args);

    private EmailMessage Compose(
        string messageKey,
        Recipient to,
        string subject,
        IReadOnlyList<string> paragraphs,
        IReadOnlyList<(string Label, string Value)> details,
        IReadOnlyList<(string Label, Uri Link)> actions,
        string? footnote)
    {
        var lang = Languages.Normalize(to.Language);
        var greeting = string.IsNullOrWhiteSpace(to.Name) ? T(lang, "email.greeting.anonymous") : T(lang, "email.greeting", to.Name);
        var signature = T(lang, "email.signature");
        var h = HtmlEncoder.Default;

        var text = new StringBuilder().AppendLine(greeting).AppendLine();
        var html = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{Languages.Direction(lang)}\">\n<head><meta charset=\"utf-8\"><title>{h.Encode(subject)}</title></head>\n")
            .Append("<body style=\"font-family: system-ui, sans-serif; line-height: 1.5;\">\n")
            .Append(CultureInfo.InvariantCulture, $"<p>{h.Encode(greeting)}</p>\n");
        foreach (var p in paragraphs)
        {
            text.AppendLine(p).AppendLine();
            html.Append(CultureInfo.InvariantCulture, $"<p style=\"white-space: pre-line;\">{h.Encode(p)}</p>\n");
        }

        if (details.Count > 0)
        {
            html.Append("<dl>\n");
            foreach (var (label, value) in details)
            {
                text.Append(label).Append(": ").AppendLine(value);
                html.Append(CultureInfo.InvariantCulture, $"<dt style=\"font-weight: bold;\">{h.Encode(label)}</dt><dd style=\"white-space: pre-line; margin-inline-start: 1em;\">{h.Encode(value)}</dd>\n");
            }

            text.AppendLine();
            html.Append("</dl>\n");
        }

        foreach (var (label, link) in actions)
        {
            text.AppendLine(label + ":").AppendLine(link.AbsoluteUri).AppendLine();
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{h.Encode(link.AbsoluteUri)}\" style=\"display:inline-block;padding:0.6em 1.2em;background:#0b5cad;color:#fff;text-decoration:none;border-radius:4px;\">{h.Encode(label)}</a></p>\n")
                .Append(CultureInfo.InvariantCulture, $"<p style=\"font-size:0.9em;color:#555;\" dir=\"ltr\">{h.Encode(link.AbsoluteUri)}</p>\n");
        }

        if (footnote is not null)
        {
            text.AppendLine(footnote).AppendLine();
            html.Append(CultureInfo.InvariantCulture, $"<p style=\"font-size:0.9em;color:#555;\">{h.Encode(footnote)}</p>\n");
        }

        text.AppendLine(signature);
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
        };
    }
}
