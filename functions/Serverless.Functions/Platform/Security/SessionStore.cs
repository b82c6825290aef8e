using System.Collections.Concurrent;
using System.Security.Claims;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Platform.Security;

/// <summary>Server-side session settings (section "Sessions").</summary>
public sealed class SessionOptions
{
    public const string SectionName = "Sessions";

    /// <summary>
    /// How long a process trusts what it last read about a session and its person. Changes made in
    /// this process (sign-out, role changes, deletion) apply at once; changes made by another
    /// process apply within this time.
    /// </summary>
    public TimeSpan RecheckAfter { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The server's record of every cookie session: a row per session (partition = person id,
/// row = session id). A cookie is only good while its row exists, so signing out, or deleting
/// the person, ends the session even for a copy of the cookie taken before.
///
/// Requests check the row and the person's record at most once per <see cref="SessionOptions.RecheckAfter"/>
/// per session; the answer is cached with the person's generation, which every change to the
/// person or their sessions in this process bumps, so a stale answer is never reused here.
/// </summary>
public sealed class SessionStore(StorageClients storage, TimeProvider time, IOptions<SessionOptions> options)
{
    public const string TableName = "Sessions";
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);
    private volatile bool _created;

    /// <summary>Records a new session for the person and returns its id; ended and expired sessions of the person are cleared away.</summary>
    public async Task<string> StartAsync(string personId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var now = time.GetUtcNow();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {personId} and ExpiresAt lt {now}");
        await foreach (var expired in table.QueryAsync<SessionEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await DeleteQuietlyAsync(table, expired.PartitionKey, expired.RowKey, cancellationToken);
        }

        var id = SecureToken.Create();
        await table.AddEntityAsync(new SessionEntity { PartitionKey = personId, RowKey = id, CreatedAt = now, ExpiresAt = now + lifetime }, cancellationToken);
        return id;
    }

    /// <summary>Moves the session's server-side expiry along with the cookie's (sliding expiration); an ended session stays ended.</summary>
    public async Task RenewAsync(string personId, string sessionId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        try
        {
            var renewed = new TableEntity(personId, sessionId) { ["ExpiresAt"] = time.GetUtcNow() + lifetime };
            await table.UpdateEntityAsync(renewed, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            // Ended meanwhile: the next check rejects the cookie.
        }
    }

    /// <summary>True while the session's row exists and has not expired.</summary>
    public async Task<bool> IsActiveAsync(string personId, string sessionId, CancellationToken cancellationToken)
    {
        if (!SecureToken.IsWellFormed(sessionId) || !IsKey(personId))
        {
            return false;
        }

        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<SessionEntity>(personId, sessionId, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } session && session.ExpiresAt > time.GetUtcNow();
    }

    /// <summary>Ends one session (sign-out).</summary>
    public async Task EndAsync(string personId, string sessionId, CancellationToken cancellationToken)
    {
        Forget(personId);
        if (!IsKey(personId) || !SecureToken.IsWellFormed(sessionId))
        {
            return;
        }

        var table = await TableAsync(cancellationToken);
        await DeleteQuietlyAsync(table, personId, sessionId, cancellationToken);
        Forget(personId);
    }

    /// <summary>Ends every session of the person (the person was deleted).</summary>
    public async Task EndAllAsync(string personId, CancellationToken cancellationToken)
    {
        Forget(personId);
        if (!IsKey(personId))
        {
            return;
        }

        var table = await TableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {personId}");
        await foreach (var session in table.QueryAsync<SessionEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await DeleteQuietlyAsync(table, session.PartitionKey, session.RowKey, cancellationToken);
        }

        Forget(personId);
    }

    /// <summary>Drops what this process remembers about the person's sessions, so their next request reads the records again.</summary>
    public void Forget(string personId) => _generations.AddOrUpdate(personId, 1, (_, generation) => generation + 1);

    /// <summary>The person's generation, taken before reading the records that <see cref="Remember"/> will cache.</summary>
    public long Generation(string personId) => _generations.GetValueOrDefault(personId);

    /// <summary>The principal checked for this session less than RecheckAfter ago, if nothing about the person changed here since.</summary>
    public ClaimsPrincipal? Recall(string personId, string sessionId)
    {
        if (!_cache.TryGetValue(sessionId, out var cached))
        {
            return null;
        }

        if (cached.PersonId != personId || cached.Generation != Generation(personId) || time.GetUtcNow() - cached.CheckedAt >= options.Value.RecheckAfter)
        {
            _cache.TryRemove(KeyValuePair.Create(sessionId, cached));
            return null;
        }

        return cached.Principal.Clone();
    }

    /// <summary>Caches a checked principal, unless the person changed in this process since <paramref name="generation"/> was taken.</summary>
    public void Remember(string personId, string sessionId, long generation, ClaimsPrincipal principal)
    {
        if (generation != Generation(personId))
        {
            return;
        }

        _cache[sessionId] = new Cached(personId, generation, time.GetUtcNow(), principal.Clone());
        if (_cache.Count > 10_000)
        {
            var stale = time.GetUtcNow() - options.Value.RecheckAfter;
            foreach (var entry in _cache.Where(e => e.Value.CheckedAt < stale))
            {
                _cache.TryRemove(entry);
            }
        }
    }

    private static bool IsKey(string value) =>
        value is { Length: > 0 and <= 100 } && !value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    private static async Task DeleteQuietlyAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            // Already gone.
        }
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

    private sealed record Cached(string PersonId, long Generation, DateTimeOffset CheckedAt, ClaimsPrincipal Principal);
}

/// <summary>One session. The id is random (256 bits) and lives only in the encrypted session cookie and here.</summary>
public sealed class SessionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
