using Azure;
using Microsoft.Extensions.Options;
using Serverless.Functions.Identity;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Workshops;

/// <summary>
/// Personal workshop links. Tokens are issued by the platform's <see cref="ActionTokens"/> (random
/// 256 bits, stored only as a SHA-256 hash, bound to a purpose and a subject, expiring). Unlike
/// sign-in links they are looked up without being used up: the same invitation link opens the
/// registration again to change or cancel it. Opening a link never acts; the page POSTs.
/// </summary>
public sealed class InvitationLinks(ActionTokens tokens, StorageClients storage, TimeProvider time, IOptions<AuthOptions> auth)
{
    public const string InvitationPurpose = "workshop-invitation";
    public const string SurveyPurpose = "workshop-survey";

    /// <summary>The header the public pages send the token in (kept out of URLs and so out of logs).</summary>
    public const string TokenHeader = "X-Workshop-Token";

    public static string InvitationSubject(string campaignId, string personId) => campaignId + "|" + personId;

    public static string SurveySubject(string seriesId, string sessionId, string personId) => seriesId + "|" + sessionId + "|" + personId;

    public Task<string> IssueInvitationAsync(string campaignId, string personId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        tokens.IssueAsync(InvitationPurpose, InvitationSubject(campaignId, personId), Lifetime(expiresAt), cancellationToken);

    public Task<string> IssueSurveyAsync(string seriesId, string sessionId, string personId, TimeSpan lifetime, CancellationToken cancellationToken) =>
        tokens.IssueAsync(SurveyPurpose, SurveySubject(seriesId, sessionId, personId), lifetime, cancellationToken);

    public Uri InvitationLink(string token) => auth.Value.Link("/workshops/invitation#token=" + token);

    public Uri SurveyLink(string token) => auth.Value.Link("/workshops/survey#token=" + token);

    /// <summary>The subject of a live token for the purpose; a failure code otherwise (token_invalid, token_expired).</summary>
    public async Task<(string? Subject, string? Failure)> FindAsync(string? token, string purpose, CancellationToken cancellationToken)
    {
        var (subject, failure, _) = await FindWithExpiryAsync(token, purpose, cancellationToken);
        return (subject, failure);
    }

    /// <summary>As <see cref="FindAsync"/>, with the moment a live token expires.</summary>
    public async Task<(string? Subject, string? Failure, DateTimeOffset ExpiresAt)> FindWithExpiryAsync(string? token, string purpose, CancellationToken cancellationToken)
    {
        if (!SecureToken.IsWellFormed(token))
        {
            return (null, "token_invalid", default);
        }

        ActionTokenEntity? entity;
        try
        {
            var table = storage.Tables.GetTableClient(ActionTokens.TableName);
            var found = await table.GetEntityIfExistsAsync<ActionTokenEntity>(SecureToken.Hash(token!), ActionTokenEntity.Row, cancellationToken: cancellationToken);
            entity = found.HasValue ? found.Value : null;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            entity = null;
        }

        if (entity is null || !string.Equals(entity.Purpose, purpose, StringComparison.Ordinal))
        {
            return (null, "token_invalid", default);
        }

        return entity.ExpiresAt <= time.GetUtcNow() ? (null, "token_expired", default) : (entity.Subject, null, entity.ExpiresAt);
    }

    private TimeSpan Lifetime(DateTimeOffset expiresAt)
    {
        var lifetime = expiresAt - time.GetUtcNow();
        return lifetime > TimeSpan.FromMinutes(5) ? lifetime : TimeSpan.FromMinutes(5);
    }
}
