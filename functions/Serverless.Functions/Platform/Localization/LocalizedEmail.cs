using System.Text;
using System.Text.Encodings.Web;
using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Platform.Localization;

/// <summary>
/// Builds a localized email with one call-to-action link from catalogue keys
/// "{template}.subject", ".greeting", ".body", ".action" and ".ignore". The subject and the body
/// are formatted with the same arguments (a subject names a subset of the body's placeholders).
/// Every piece of text is HTML-encoded after formatting, so names and other user text can never
/// inject markup.
/// </summary>
public static class LocalizedEmail
{
    public static EmailMessage Compose(
        ILocalizer localizer,
        string template,
        string language,
        string messageKey,
        string to,
        string? toName,
        Uri link,
        params object?[] args)
    {
        var lang = Languages.Normalize(language);
        string T(string part, params object?[] args) => localizer.Get(lang, $"{template}.{part}", args);

        var subject = T("subject", args);
        var greeting = string.IsNullOrWhiteSpace(toName) ? localizer.Get(lang, "email.greeting.anonymous") : localizer.Get(lang, "email.greeting", toName);
        var body = T("body", args);
        var action = T("action");
        var ignore = T("ignore");
        var signature = localizer.Get(lang, "email.signature");

        var text = new StringBuilder()
            .AppendLine(greeting).AppendLine()
            .AppendLine(body).AppendLine()
            .AppendLine(action + ":")
            .AppendLine(link.AbsoluteUri).AppendLine()
            .AppendLine(ignore).AppendLine()
            .AppendLine(signature)
            .ToString();

        var h = HtmlEncoder.Default;
        var dir = Languages.Direction(lang);
        var html = $"""
            <!DOCTYPE html>
            <html lang="{lang}" dir="{dir}">
            <head><meta charset="utf-8"><title>{h.Encode(subject)}</title></head>
            <body style="font-family: system-ui, sans-serif; line-height: 1.5;">
            <p>{h.Encode(greeting)}</p>
            <p>{h.Encode(body)}</p>
            <p><a href="{h.Encode(link.AbsoluteUri)}" style="display:inline-block;padding:0.6em 1.2em;background:#0b5cad;color:#fff;text-decoration:none;border-radius:4px;">{h.Encode(action)}</a></p>
            <p style="font-size:0.9em;color:#555;" dir="ltr">{h.Encode(link.AbsoluteUri)}</p>
            <p style="font-size:0.9em;color:#555;">{h.Encode(ignore)}</p>
            <p>{h.Encode(signature)}</p>
            </body>
            </html>
            """;

        return new EmailMessage
        {
            MessageKey = messageKey,
            To = to,
            ToName = toName,
            Subject = subject,
            TextBody = text,
            HtmlBody = html,
            Language = lang,
        };
    }
}
