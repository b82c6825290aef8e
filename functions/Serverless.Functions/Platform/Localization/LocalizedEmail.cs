using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Platform.Localization;

/// <summary>
/// A localized email with one call-to-action link from catalogue keys "{template}.subject",
/// ".body", ".action" and ".ignore", in the layout of <see cref="EmailComposer"/>. The subject and
/// the body are formatted with the same arguments (a subject names a subset of the body's placeholders).
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
        return EmailComposer.Compose(localizer, messageKey, to, toName, lang, T("subject", args), [T("body", args)], [], [(T("action"), link)], T("ignore"));
    }
}
