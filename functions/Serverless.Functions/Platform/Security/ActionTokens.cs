using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Platform.Security;

/// <summary>
/// Emailed-action tokens (sign-in links, confirmations, invitations): random, stored only as a
/// SHA-256 hash, bound to one purpose and one subject (a person, a subscription), expiring, and
/// single-use: redeeming marks the row used with an ETag-conditional write, so two concurrent
/// redemptions cannot both succeed.
/// </summary>
public sealed class ActionTokens(StorageClients storage, TimeProvider time)
{
    public const string TableName = "ActionTokens";
    private volatile bool _created;

    /// <summary>Issues a token and returns it; the caller puts it in a link and forgets it.</summary>
    public async Task<string> IssueAsync(string purpose, string subject, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = SecureToken.Create();
        var now = time.GetUtcNow();
        var table = await TableAsync(cancellationToken);
        await table.AddEntityAsync(
            new ActionTokenEntity
            {
                PartitionKey = SecureToken.Hash(token),
                RowKey = ActionTokenEntity.Row,
                Purpose = purpose,
                Subject = subject,
                CreatedAt = now,
                ExpiresAt = now + lifetime,
            },
            cancellationToken);
        return token;
    }

    /// <summary>
    /// Issues a token that lives until <paramref name="expiresAt"/>, but at least
    /// <paramref name="minimumLifetime"/>, so a link sent close to its deadline still opens.
    /// </summary>
    public Task<string> IssueUntilAsync(string purpose, string subject, DateTimeOffset expiresAt, TimeSpan minimumLifetime, CancellationToken cancellationToken)
    {
        var lifetime = expiresAt - time.GetUtcNow();
        return IssueAsync(purpose, subject, lifetime > minimumLifetime ? lifetime : minimumLifetime, cancellationToken);
    }

    /// <summary>
    /// The subject of a live token for the purpose, without using it up (links that open the same
    /// page again, such as invitations); a failure code otherwise (token_invalid, token_expired).
    /// </summary>
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
            var table = storage.Tables.GetTableClient(TableName);
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

    /// <summary>Checks the token for this purpose and, if good, uses it up.</summary>
    public async Task<TokenRedemption> RedeemAsync(string? token, string purpose, CancellationToken cancellationToken)
    {
        if (!SecureToken.IsWellFormed(token))
        {
            return TokenRedemption.Failed(TokenFailure.Invalid);
        }

        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<ActionTokenEntity>(SecureToken.Hash(token!), ActionTokenEntity.Row, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } entity || !string.Equals(entity.Purpose, purpose, StringComparison.Ordinal))
        {
            return TokenRedemption.Failed(TokenFailure.Invalid);
        }

        if (entity.UsedAt is not null)
        {
            return TokenRedemption.Failed(TokenFailure.Used);
        }

        var now = time.GetUtcNow();
        if (entity.ExpiresAt <= now)
        {
            return TokenRedemption.Failed(TokenFailure.Expired);
        }

        entity.UsedAt = now;
        try
        {
            await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status412PreconditionFailed)
        {
            return TokenRedemption.Failed(TokenFailure.Used);
        }

        return new TokenRedemption(entity.Subject, null);
    }

    private async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = storage.Tables.GetTableClient(TableName);
        if (!_created)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }

        return table;
    }
}

public enum TokenFailure
{
    Invalid,
    Expired,
    Used,
}

public sealed record TokenRedemption(string? Subject, TokenFailure? Failure)
{
    public bool Succeeded => Failure is null && Subject is not null;

    public static TokenRedemption Failed(TokenFailure failure) => new(null, failure);

    /// <summary>The problem code the API answers with: token_invalid, token_expired, token_used.</summary>
    public string Code => Failure switch
    {
        TokenFailure.Expired => "token_expired",
        TokenFailure.Used => "token_used",
        _ => "token_invalid",
    };
}

/// <summary>One issued token. The partition key is the token's hash; the token itself is never stored.</summary>
public sealed class ActionTokenEntity : ITableEntity
{
    public const string Row = "token";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = Row;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Purpose { get; set; } = "";

    public string Subject { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}
