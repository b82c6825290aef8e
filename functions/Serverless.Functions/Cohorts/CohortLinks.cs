using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// Personal cohort links: a participant's onboarding link and an organisation's proposal link.
/// Tokens come from <see cref="ActionTokens"/> (random 256 bits, stored as a hash, bound to a
/// purpose and a subject, expiring) and are looked up without being used up, like workshop
/// invitations: the same link opens the page again. The token travels in a header, never a URL.
/// </summary>
public sealed class CohortLinks(ActionTokens tokens, IOptions<AuthOptions> auth)
{
    public const string OnboardingPurpose = "cohort-onboarding";
    public const string ProposalPurpose = "cohort-proposal";
    public const string TokenHeader = "X-Cohort-Token";

    private static readonly TimeSpan MinimumLifetime = TimeSpan.FromHours(1);

    public static string Subject(string cohortId, string otherId) => cohortId + "|" + otherId;

    public Task<string> IssueOnboardingAsync(string cohortId, string personId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        tokens.IssueUntilAsync(OnboardingPurpose, Subject(cohortId, personId), expiresAt, MinimumLifetime, cancellationToken);

    public Task<string> IssueProposalAsync(string cohortId, string organisationId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        tokens.IssueUntilAsync(ProposalPurpose, Subject(cohortId, organisationId), expiresAt, MinimumLifetime, cancellationToken);

    public Uri OnboardingLink(string token) => auth.Value.Link("/cohorts/onboarding#token=" + token);

    public Uri ProposalLink(string token) => auth.Value.Link("/cohorts/propose#token=" + token);

    /// <summary>(cohortId, otherId) of a live token for the purpose, or a failure code (token_invalid, token_expired).</summary>
    public async Task<(string? CohortId, string? OtherId, string? Failure)> FindAsync(string? token, string purpose, CancellationToken cancellationToken)
    {
        var (subject, failure) = await tokens.FindAsync(token, purpose, cancellationToken);
        if (subject is null)
        {
            return (null, null, failure);
        }

        var parts = subject.Split('|', 2);
        return parts.Length == 2 ? (parts[0], parts[1], null) : (null, null, "token_invalid");
    }
}
