using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Serverless.Functions.Platform.Localization;

namespace Serverless.Functions.Platform.Email;

/// <summary>
/// The one layout of every email the platform sends, as a text body and an HTML body with the same
/// content: greeting, paragraphs, labelled details, call-to-action links (each also written out),
/// a footnote and the signature, in the recipient's language and direction. Every piece of text,
/// people's own words included, is HTML-encoded after formatting, so it can never inject markup.
/// </summary>
public static class EmailComposer
{
    /// <summary>A moment as emails show it: the recipient's long date and time, in UTC, said so.</summary>
    public static string Instant(DateTimeOffset instant, string language) =>
        instant.UtcDateTime.ToString("f", MessageCatalogue.CultureFor(Languages.Normalize(language))) + " UTC";

    public static EmailMessage Compose(
        ILocalizer localizer,
        string messageKey,
        string to,
        string? toName,
        string language,
        string subject,
        IReadOnlyList<string> paragraphs,
        IReadOnlyList<(string Label, string Value)> details,
        IReadOnlyList<(string Label, Uri Link)> actions,
        string? footnote,
        IReadOnlyList<EmailAttachment>? attachments = null)
    {
        var lang = Languages.Normalize(language);
        var greeting = string.IsNullOrWhiteSpace(toName) ? localizer.Get(lang, "email.greeting.anonymous") : localizer.Get(lang, "email.greeting", toName);
        var signature = localizer.Get(lang, "email.signature");
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
            To = to,
            ToName = toName,
            Subject = subject,
            TextBody = text.ToString(),
            HtmlBody = html.ToString(),
            Language = lang,
            Attachments = attachments ?? [],
        };
    }
}
