using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// The cohort emails, in the recipient's language from the server catalogue (keys
/// "email.cohort.*"), each with one link; text is HTML-encoded by <see cref="LocalizedEmail"/>.
/// Message keys name the business event, so the outbox sends each one once.
/// </summary>
public sealed class CohortEmails(ILocalizer localizer, IOptions<AuthOptions> auth)
{
    public static string WelcomeKey(string cohortId, string personId) => $"cohort-welcome/{cohortId}/{personId}";

    public static string ReminderKey(string cohortId, string personId) => $"cohort-onboarding-reminder/{cohortId}/{personId}";

    public static string EscalationKey(string cohortId, string personId) => $"cohort-escalation/{cohortId}/{personId}";

    public static string SummaryKey(string cohortId, int round) => $"cohort-summary/{cohortId}/{round}";

    public EmailMessage Welcome(CandidateEntity participant, CohortEntity cohort, string programme, DateTimeOffset deadline, Uri link) =>
        LocalizedEmail.Compose(localizer, "email.cohort.welcome", participant.Language, WelcomeKey(cohort.Id, participant.PersonId), participant.Email, participant.Name, link, programme, cohort.Name, EmailComposer.Instant(deadline, participant.Language));

    public EmailMessage Reminder(CandidateEntity participant, CohortEntity cohort, string programme, DateTimeOffset deadline, Uri link) =>
        LocalizedEmail.Compose(localizer, "email.cohort.reminder", participant.Language, ReminderKey(cohort.Id, participant.PersonId), participant.Email, participant.Name, link, programme, cohort.Name, EmailComposer.Instant(deadline, participant.Language));

    public EmailMessage Escalation(CandidateEntity participant, CohortEntity cohort, Registry.PersonEntity coordinator)
    {
        var lang = Languages.Normalize(coordinator.PreferredLanguage);
        var missing = string.Join(", ", participant.Missing().Select(m => localizer.Get(lang, "cohort.missing." + m)));
        return LocalizedEmail.Compose(localizer, "email.cohort.escalation", lang, EscalationKey(cohort.Id, participant.PersonId), coordinator.Email, coordinator.Name, CohortLink(cohort.Id), participant.Name, participant.Email, cohort.Name, missing);
    }

    public EmailMessage Summary(CohortEntity cohort, Registry.PersonEntity coordinator, RoundProgress progress) =>
        LocalizedEmail.Compose(localizer, "email.cohort.summary", coordinator.PreferredLanguage, SummaryKey(cohort.Id, progress.Round), coordinator.Email, coordinator.Name, CohortLink(cohort.Id), cohort.Name, progress.Total, progress.Onboarded, progress.Escalated, progress.Withdrawn + progress.Unreachable);

    public Uri CohortLink(string cohortId) => auth.Value.Link("/cohorts/c/" + Uri.EscapeDataString(cohortId));
}
