using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Workshops;

/// <summary>
/// Personal workshop links. Tokens are issued by the platform's <see cref="ActionTokens"/> (random
/// 256 bits, stored only as a SHA-256 hash, bound to a purpose and a subject, expiring). Unlike
/// sign-in links they are looked up without being used up: the same invitation link opens the
/// registration again to change or cancel it. Opening a link never acts; the page POSTs.
/// </summary>
public sealed class InvitationLinks(ActionTokens tokens, IOptions<AuthOptions> auth)
{
    public const string InvitationPurpose = "workshop-invitation";
    public const string SurveyPurpose = "workshop-survey";

    /// <summary>The header the public pages send the token in (kept out of URLs and so out of logs).</summary>
    public const string TokenHeader = "X-Workshop-Token";

    private static readonly TimeSpan MinimumLifetime = TimeSpan.FromMinutes(5);

    public static string InvitationSubject(string campaignId, string personId) => campaignId + "|" + personId;

    public static string SurveySubject(string seriesId, string sessionId, string personId) => seriesId + "|" + sessionId + "|" + personId;

    public Task<string> IssueInvitationAsync(string campaignId, string personId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        tokens.IssueUntilAsync(InvitationPurpose, InvitationSubject(campaignId, personId), expiresAt, MinimumLifetime, cancellationToken);

    public Task<string> IssueSurveyAsync(string seriesId, string sessionId, string personId, TimeSpan lifetime, CancellationToken cancellationToken) =>
        tokens.IssueAsync(SurveyPurpose, SurveySubject(seriesId, sessionId, personId), lifetime, cancellationToken);

    public Uri InvitationLink(string token) => auth.Value.Link("/workshops/invitation#token=" + token);

    public Uri SurveyLink(string token) => auth.Value.Link("/workshops/survey#token=" + token);

    /// <summary>The subject of a live invitation token and when it expires; a failure code otherwise (token_invalid, token_expired).</summary>
    public Task<(string? Subject, string? Failure, DateTimeOffset ExpiresAt)> FindInvitationAsync(string? token, CancellationToken cancellationToken) =>
        tokens.FindWithExpiryAsync(token, InvitationPurpose, cancellationToken);

    /// <summary>The subject of a live survey token; a failure code otherwise (token_invalid, token_expired).</summary>
    public Task<(string? Subject, string? Failure)> FindSurveyAsync(string? token, CancellationToken cancellationToken) =>
        tokens.FindAsync(token, SurveyPurpose, cancellationToken);
}
