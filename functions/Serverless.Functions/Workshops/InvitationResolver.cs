using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Workshops;

/// <summary>Everything an invitation link gives access to, resolved from its token.</summary>
public sealed record InvitationContext(
    string Token,
    CampaignEntity Campaign,
    InvitationEntity Invitation,
    SeriesEntity Series,
    IReadOnlyList<SessionEntity> Sessions,
    PersonEntity Person,
    RegistrationEntity? Registration,
    bool FromLinkSnapshot = false);

/// <summary>
/// Who an invitation link was issued to, as the link's holder was then (the invitation's address,
/// name, language and organisation): what a new registration needs, kept in memory by token hash
/// so that a burst of registrations reads nothing per request. Token rows never change and
/// invitation links are never used up, so what ages is the expiry, checked on use, and the
/// person: <see cref="ErasureGeneration"/> is the registry's erasure generation taken before the
/// person was known to exist, and a snapshot from an older generation is not trusted (see
/// <see cref="InvitationResolver.PersonErasedAsync"/>).
/// </summary>
public sealed record InvitationLinkSnapshot(string CampaignId, string PersonId, string Email, string Name, string Language, string? OrganisationId, DateTimeOffset ValidUntil, long ErasureGeneration = 0);

/// <summary>
/// What an invitation link stands for, resolved from its token, with the reads a registration
/// burst repeats kept briefly in memory: the links this process issued or resolved, and the
/// series, its sessions, campaigns and organisations. Told of erasures, it forgets a person's links
/// and tells the follow-ups not to email them.
/// </summary>
public sealed class InvitationResolver(
    WorkshopStore store,
    PeopleStore people,
    OrganisationStore organisations,
    InvitationLinks links,
    IOptions<WorkshopOptions> options,
    TimeProvider time) : IPersonErasureObserver
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LinkCacheLifetime = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, object Value)> _cache = new(StringComparer.Ordinal);
    private readonly MemoryCache _links = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    /// <summary>People erased while this process ran: never remembered again, never emailed from here.</summary>
    private readonly ConcurrentDictionary<string, byte> _erased = new(StringComparer.Ordinal);
    private readonly Lock _erasureLock = new();
    private long _erasureGeneration;
    private string? _erasureVersion;
    private (long At, Task<string> Read)? _erasureRead;

    /// <summary>Issues a personal invitation link to the recipient and remembers who it went to, so registering through it reads nothing.</summary>
    public async Task<string> IssueInvitationLinkAsync(string campaignId, WorkshopEmails.Recipient to, string? organisationId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var generation = await ErasureGenerationAsync(cancellationToken);
        var token = await links.IssueInvitationAsync(campaignId, to.PersonId, until, cancellationToken);
        RememberLink(token, new InvitationLinkSnapshot(campaignId, to.PersonId, to.Email, to.Name, to.Language, organisationId, until, generation));
        return token;
    }

    /// <summary>Keeps what a freshly issued (or just resolved) link stands for.</summary>
    private void RememberLink(string token, InvitationLinkSnapshot link)
    {
        var now = time.GetUtcNow();
        if (link.ValidUntil <= now || link.OrganisationId is null || !SecureToken.IsWellFormed(token) || _erased.ContainsKey(link.PersonId))
        {
            return;
        }

        var until = link.ValidUntil < now + LinkCacheLifetime ? link.ValidUntil : now + LinkCacheLifetime;
        _links.Set(SecureToken.Hash(token), link, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until });
    }

    /// <summary>
    /// Resolves a link for a new registration: from the link's snapshot when this process knows it
    /// (no storage read; the registration row is not read either, its Add finds a duplicate),
    /// otherwise as <see cref="ResolveAsync"/>.
    /// </summary>
    public async Task<(InvitationContext? Context, string? Failure)> ResolveForRegistrationAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SecureToken.IsWellFormed(token) || !_links.TryGetValue(SecureToken.Hash(token!), out InvitationLinkSnapshot? link) || link is null || link.ValidUntil <= time.GetUtcNow()
            || _erased.ContainsKey(link.PersonId) || link.ErasureGeneration != await ErasureGenerationAsync(cancellationToken))
        {
            // Unknown here, expired, or remembered before someone was erased: read the token, the
            // invitation and the person again (a deleted person's link is then refused).
            return await ResolveAsync(token, cancellationToken);
        }

        var campaign = await CachedAsync("campaign|" + link.CampaignId, () => store.GetCampaignAsync(link.CampaignId, CancellationToken.None));
        var (series, sessions) = campaign is null ? (null, []) : await SeriesAsync(campaign.SeriesId, cancellationToken);
        if (campaign is null || series is null)
        {
            return await ResolveAsync(token, cancellationToken);
        }

        var invitation = new InvitationEntity
        {
            CampaignId = link.CampaignId,
            SeriesId = series.Id,
            PersonId = link.PersonId,
            Email = link.Email,
            Name = link.Name,
            Language = link.Language,
            OrganisationId = link.OrganisationId,
            Status = InvitationStatus.Sent,
        };
        var person = new PersonEntity
        {
            Id = link.PersonId,
            RowKey = link.PersonId,
            Email = link.Email,
            Name = link.Name,
            PreferredLanguage = link.Language,
            OrganisationId = link.OrganisationId is "" ? null : link.OrganisationId,
        };
        return (new InvitationContext(token!, campaign, invitation, series, sessions, person, null, FromLinkSnapshot: true), null);
    }

    /// <summary>Resolves a link; the failure is a problem code (token_invalid, token_expired).</summary>
    public async Task<(InvitationContext? Context, string? Failure)> ResolveAsync(string? token, CancellationToken cancellationToken)
    {
        // Taken before the person is read: an erasure after the read makes this snapshot stale.
        var generation = await ErasureGenerationAsync(cancellationToken);
        var (subject, failure, expiresAt) = await links.FindInvitationAsync(token, cancellationToken);
        if (subject?.Split('|') is not [var campaignId, var personId])
        {
            return (null, failure ?? "token_invalid");
        }

        var campaign = await CachedAsync("campaign|" + campaignId, () => store.GetCampaignAsync(campaignId, CancellationToken.None));
        var invitation = await store.GetInvitationAsync(campaignId, personId, cancellationToken);
        var person = await people.GetAsync(personId, cancellationToken);
        if (campaign is null || invitation is null || person is null)
        {
            return (null, "token_invalid");
        }

        var (series, sessions) = await SeriesAsync(campaign.SeriesId, cancellationToken);
        if (series is null)
        {
            return (null, "token_invalid");
        }

        var registration = await store.GetRegistrationAsync(series.Id, personId, cancellationToken);
        RememberLink(token!, new InvitationLinkSnapshot(campaignId, personId, person.Email, person.Name, person.PreferredLanguage, person.OrganisationId ?? "", expiresAt, generation));
        return (new InvitationContext(token!, campaign, invitation, series, sessions, person, registration), null);
    }

    /// <summary>The series and its sessions, cached for a few seconds (the hot path of a registration burst); seat counts are never cached.</summary>
    public async Task<(SeriesEntity? Series, IReadOnlyList<SessionEntity> Sessions)> SeriesAsync(string seriesId, CancellationToken cancellationToken)
    {
        var series = await CachedAsync("series|" + seriesId, () => store.GetSeriesAsync(seriesId, CancellationToken.None));
        var sessions = series is null ? [] : await CachedAsync("sessions|" + seriesId, async () => (IReadOnlyList<SessionEntity>)await store.ListSessionsAsync(seriesId, CancellationToken.None));
        return (series, sessions ?? []);
    }

    /// <summary>
    /// Forgets every link remembered for the person (in this process at once; other processes
    /// within <see cref="WorkshopOptions.ErasureCheckInterval"/>, when they see the registry's erasure version
    /// change) and refuses to remember or email them again from this process.
    /// </summary>
    public Task PersonErasedAsync(string personId, CancellationToken cancellationToken)
    {
        _erased.TryAdd(personId, 0);
        lock (_erasureLock)
        {
            _erasureGeneration++;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// This process's erasure generation, moved on when the registry's erasure version changed
    /// (someone was deleted, perhaps by another process). The version is read at most once per
    /// <see cref="WorkshopOptions.ErasureCheckInterval"/>, shared by every request meanwhile: a burst of
    /// registrations pays one point read a second, not one per request.
    /// </summary>
    private async Task<long> ErasureGenerationAsync(CancellationToken cancellationToken)
    {
        Task<string> read;
        var now = Environment.TickCount64;
        lock (_erasureLock)
        {
            if (_erasureRead is not { } current || now - current.At >= (long)options.Value.ErasureCheckInterval.TotalMilliseconds || current.Read.IsFaulted)
            {
                _erasureRead = current = (now, people.ErasureVersionAsync(CancellationToken.None));
            }

            read = current.Read;
        }

        var version = await read.WaitAsync(cancellationToken);
        lock (_erasureLock)
        {
            if (!string.Equals(version, _erasureVersion, StringComparison.Ordinal))
            {
                // Someone was erased since the last read (here or in another process): every snapshot taken before is re-checked.
                if (_erasureVersion is not null)
                {
                    _erasureGeneration++;
                }

                _erasureVersion = version;
            }

            return _erasureGeneration;
        }
    }

    public void Invalidate(string seriesId)
    {
        _cache.TryRemove("series|" + seriesId, out _);
        _cache.TryRemove("sessions|" + seriesId, out _);
    }

    /// <summary>Whether the person was erased while this process ran (nothing more goes to their address from here).</summary>
    public bool IsErased(string personId) => _erased.ContainsKey(personId);

    /// <summary>An organisation's name in a language, cached briefly like the series (a burst of registrations shares a few organisations).</summary>
    public async Task<string?> OrganisationNameAsync(string? organisationId, string language, CancellationToken cancellationToken)
    {
        if (organisationId is null)
        {
            return null;
        }

        var organisation = await CachedAsync("organisation|" + organisationId, () => organisations.GetAsync(organisationId, CancellationToken.None));
        return organisation?.NameIn(language);
    }

    /// <summary>
    /// A value read at most once per <see cref="CacheLifetime"/>: concurrent callers share one read
    /// (a burst of a thousand requests arriving on an expired entry costs one read, not a thousand).
    /// A failed or empty read is not kept. The shared read is not tied to any one request's cancellation.
    /// </summary>
    private async Task<T?> CachedAsync<T>(string key, Func<Task<T?>> load)
        where T : class
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && now - hit.At < CacheLifetime)
        {
            // The hot path: a live entry, no allocation.
            return await ((Lazy<Task<T?>>)hit.Value).Value;
        }

        var fresh = (At: now, Value: (object)new Lazy<Task<T?>>(load));
        var entry = _cache.AddOrUpdate(key, _ => fresh, (_, existing) => now - existing.At < CacheLifetime ? existing : fresh);
        var task = ((Lazy<Task<T?>>)entry.Value).Value;
        T? value = null;
        try
        {
            value = await task;
            return value;
        }
        finally
        {
            if (value is null)
            {
                // Not found or failed: the next caller reads again.
                _cache.TryRemove(new KeyValuePair<string, (DateTimeOffset, object)>(key, entry));
            }
        }
    }
}
