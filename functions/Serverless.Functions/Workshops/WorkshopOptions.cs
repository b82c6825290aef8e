namespace Serverless.Functions.Workshops;

/// <summary>Workshop settings (section "Workshops").</summary>
public sealed class WorkshopOptions
{
    public const string SectionName = "Workshops";

    /// <summary>How long a seat offered to the next person on the waitlist is held for them.</summary>
    public TimeSpan OfferLifetime { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long before a session its registrants get the reminder.</summary>
    public TimeSpan SessionReminderLead { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Invitation links keep working this long after the series' last session (to cancel, to read the details).</summary>
    public TimeSpan LinkGraceAfterLastSession { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Survey links work this long.</summary>
    public TimeSpan SurveyLinkLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Sub-orchestrations a campaign starts per checkpoint.</summary>
    public int CampaignBatchSize { get; set; } = 100;


    /// <summary>The version of the consent text shown on the registration page, recorded with each registration.</summary>
    public string ConsentTextVersion { get; set; } = "workshops-2025-1";

    /// <summary>
    /// How long a person deleted through another app instance may still be taken for existing by
    /// this one's cache of invitation links: the registry's erasure version is read at most this
    /// often (deletes through this instance take effect at once).
    /// </summary>
    public TimeSpan ErasureCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest number of invitees one campaign may have.</summary>
    public int MaxInvitees { get; set; } = 5000;
}
