using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Nominations;

/// <summary>
/// Personal review links: <see cref="ActionTokens"/> bound to one reviewer, one nomination and the
/// review purpose, expiring after the review deadline. Opening the link only looks the token up
/// (as workshop invitations do); the POST that answers redeems it, so a link acts at most once.
/// </summary>
public sealed class ReviewLinks(ActionTokens tokens, IOptions<AuthOptions> auth)
{
    public const string Purpose = "nomination-review";

    /// <summary>The header the review page sends the token in (kept out of URLs and so out of logs).</summary>
    public const string TokenHeader = "X-Nomination-Token";

    public static string Subject(string callId, string nominationId, string reviewerId) => callId + "|" + nominationId + "|" + reviewerId;

    public Task<string> IssueAsync(string callId, string nominationId, string reviewerId, TimeSpan lifetime, CancellationToken cancellationToken) =>
        tokens.IssueAsync(Purpose, Subject(callId, nominationId, reviewerId), lifetime, cancellationToken);

    /// <summary>The review page; pass/fail emails add the verdict the button stands for, which the page only pre-selects.</summary>
    public Uri Link(string token, string? verdict = null) =>
        auth.Value.Link("/nominations/review#token=" + token + (verdict is null ? "" : "&verdict=" + verdict));

    /// <summary>(call, nomination, reviewer) of a live token, or a failure code (token_invalid, token_expired).</summary>
    public async Task<((string CallId, string NominationId, string ReviewerId)? Subject, string? Failure)> FindAsync(string? token, CancellationToken cancellationToken)
    {
        var (subject, failure) = await tokens.FindAsync(token, Purpose, cancellationToken);
        return subject?.Split('|') is [var callId, var nominationId, var reviewerId] ? ((callId, nominationId, reviewerId), null) : (null, failure ?? "token_invalid");
    }

    public Task<TokenRedemption> RedeemAsync(string? token, CancellationToken cancellationToken) => tokens.RedeemAsync(token, Purpose, cancellationToken);
}
