using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Workshops;

/// <summary>
/// An invitation email the mail service refused for good marks the invitation "bounced" at once,
/// so the campaign's progress counts it under bounced instead of expired weeks later, and the
/// campaign's reminder and expiry pass it by.
/// </summary>
public sealed class InvitationBounces(WorkshopStore store, ILogger<InvitationBounces> logger) : IEmailFailureObserver
{
    private const string Prefix = "workshop-invitation/";

    public async Task OnPermanentFailureAsync(string messageKey, string recipient, string reason, CancellationToken cancellationToken)
    {
        if (!messageKey.StartsWith(Prefix, StringComparison.Ordinal) || messageKey[Prefix.Length..].Split('/') is not [{ Length: > 0 } campaignId, { Length: > 0 } personId])
        {
            return;
        }

        var bounced = await WorkshopStore.RetryOnConflictAsync(
            async () =>
            {
                var invitation = await store.GetInvitationAsync(campaignId, personId, cancellationToken);
                if (invitation is null || invitation.Status is not (InvitationStatus.Pending or InvitationStatus.Sent))
                {
                    return null;
                }

                invitation.Status = InvitationStatus.Bounced;
                invitation.Error = reason.Length > 500 ? reason[..500] : reason;
                await store.UpdateAsync(invitation, cancellationToken);
                return invitation;
            },
            cancellationToken);
        if (bounced is not null)
        {
            logger.LogWarning("Invitation of {PersonId} in campaign {CampaignId} bounced: {Reason}", personId, campaignId, reason);
        }
    }
}
