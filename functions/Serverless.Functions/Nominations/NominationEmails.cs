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
        var callTitle = Languages.TextIn(call.TitleMap, lang);
        return Compose(
            messageKey,
            to,
            T(lang, "email.nomination.submitted.subject", nomination.Title),
            [T(lang, "email.nomination.submitted.body", nomination.Title, callTitle, EmailComposer.Instant(call.ClosesAt, lang))],
            [(T(lang, "email.nomination.field.title"), nomination.Title), (T(lang, "email.nomination.field.team"), nomination.Team)],
            [],
            null);
    }

    public EmailMessage ReviewRequest(string messageKey, Recipient to, CallEntity call, NominationEntity nomination, DateTimeOffset deadline, IReadOnlyList<(string LabelKey, Uri Link)> links, bool reminder)
    {
        var lang = Languages.Normalize(to.Language);
        var template = reminder ? "email.nomination.reviewReminder" : "email.nomination.review";
        var callTitle = Languages.TextIn(call.TitleMap, lang);
        var criteria = string.Join(", ", call.CriterionList.Select(c => Languages.TextIn(c.Labels, lang)));
        var details = new List<(string, string)> { (T(lang, "email.nomination.field.title"), nomination.Title) };
        if (criteria.Length > 0)
        {
            details.Add((T(lang, "email.nomination.field.criteria"), criteria));
        }

        return Compose(
            messageKey,
            to,
            T(lang, template + ".subject", nomination.Title),
            [T(lang, template + ".body", nomination.Title, callTitle, EmailComposer.Instant(deadline, lang))],
            details,
            [.. links.Select(l => (T(lang, l.LabelKey), l.Link))],
            T(lang, "email.nomination.review.personal"));
    }

    public EmailMessage Decision(string messageKey, Recipient to, CallEntity call, NominationEntity nomination, bool selected, IReadOnlyList<string> comments)
    {
        var lang = Languages.Normalize(to.Language);
        var template = selected ? "email.nomination.selected" : "email.nomination.rejected";
        var callTitle = Languages.TextIn(call.TitleMap, lang);
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
        var date = when is { } w ? EmailComposer.Instant(w, lang) : "";
        return Compose(
            messageKey,
            to,
            T(lang, template + ".subject", projectTitle, stageName),
            [T(lang, template + ".body", projectTitle, stageName, date)],
            [],
            [(T(lang, actionKey), link)],
            T(lang, "email.nomination.review.personal"));
    }

    private string T(string language, string key, params object?[] args) => localizer.Get(language, key, args);

    private EmailMessage Compose(
        string messageKey,
        Recipient to,
        string subject,
        IReadOnlyList<string> paragraphs,
        IReadOnlyList<(string Label, string Value)> details,
        IReadOnlyList<(string Label, Uri Link)> actions,
        string? footnote) =>
        EmailComposer.Compose(localizer, messageKey, to.Email, to.Name, to.Language, subject, paragraphs, details, actions, footnote);
}
