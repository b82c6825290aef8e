namespace Serverless.Functions.Nominations;

/// <summary>Nomination settings (section "Nominations").</summary>
public sealed class NominationOptions
{
    public const string SectionName = "Nominations";

    /// <summary>Largest attachment accepted, in bytes.</summary>
    public long MaxAttachmentBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Most attachments one nomination may have.</summary>
    public int MaxAttachments { get; set; } = 5;

    /// <summary>
    /// A reviewer who has not answered this long after being asked is replaced (never later than
    /// the review deadline).
    /// </summary>
    public TimeSpan ReviewerResponseWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long before the review deadline reviewers who have not answered are reminded.</summary>
    public TimeSpan ReminderBeforeDeadline { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Review links keep working this long after the review deadline (to show what was sent).</summary>
    public TimeSpan LinkGraceAfterDeadline { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Reviews disagree strongly when the highest and lowest weighted scores of a nomination are
    /// at least this share of the scale apart.
    /// </summary>
    public double DisagreementShare { get; set; } = 0.4;

    /// <summary>How often a selected project's team lead reports progress in each TRADE stage.</summary>
    public TimeSpan ProgressReportInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long before a progress report is due the team lead is reminded.</summary>
    public TimeSpan ProgressReminderBefore { get; set; } = TimeSpan.FromDays(3);
}
