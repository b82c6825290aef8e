using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Platform.Security;

/// <summary>Limits for the public endpoints (sign-in, newsletter), per client address and per email address.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Requests one email address may cause per window (sign-in links, confirmations).</summary>
    public int PerAddressPermits { get; set; } = 5;

    public TimeSpan PerAddressWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Public requests one client IP may make per window; generous, since offices share addresses.</summary>
    public int PerClientPermits { get; set; } = 60;

    public TimeSpan PerClientWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in emails one address receives per window, however often it is asked for (mail bombing).</summary>
    public int SignInEmailsPerAddress { get; set; } = 3;

    public TimeSpan SignInEmailWindow { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// How many emails of one kind an address receives, however often strangers ask for them. The
/// request is never refused (its answer is the same either way, so the limit tells nobody
/// anything and locks nobody out); over the allowance, no new email goes out, because the
/// address already holds a link that still works: a new one is sent whenever the newest sent
/// is past half its life, so the owner always has a link with at least half its life left.
/// Per process, like <see cref="AddressRateLimiter"/>.
/// </summary>
public sealed class EmailAllowance(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> _sent = new(StringComparer.Ordinal);

    /// <summary>True (and counted) when an email may go to the address now.</summary>
    public bool TryTake(string purpose, string address, int permits, TimeSpan window, TimeSpan linkLifetime)
    {
        var now = time.GetUtcNow();
        var key = purpose + ":" + address.Trim().ToLowerInvariant();
        var sent = _sent.GetOrAdd(key, _ => []);
        lock (sent)
        {
            var keepFrom = now - (window > linkLifetime ? window : linkLifetime);
            sent.RemoveAll(at => at <= keepFrom);
            var inWindow = sent.Count(at => at > now - window);
            var newestHalfSpent = sent.Count == 0 || now - sent[^1] >= linkLifetime / 2;
            if (inWindow >= Math.Max(1, permits) && !newestHalfSpent)
            {
                return false;
            }

            sent.Add(now);
        }

        if (_sent.Count > 100_000)
        {
            foreach (var (k, list) in _sent)
            {
                lock (list)
                {
                    if (list.Count == 0 || list[^1] < now - window - linkLifetime)
                    {
                        _sent.TryRemove(k, out _);
                    }
                }
            }
        }

        return true;
    }
}

/// <summary>
/// The per-address limit. The body names the address, so the ASP.NET limiter (which partitions
/// before the body is read) cannot apply it; handlers call this after validating the address.
/// The limit is per process: with several instances it is looser by that factor, which the
/// per-client limit and the single-use tokens make acceptable.
/// </summary>
public sealed class AddressRateLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly Lazy<PartitionedRateLimiter<string>> _limiter = new(() => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.Value.PerAddressPermits),
            Window = options.Value.PerAddressWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        })));

    /// <summary>Takes one permit for the purpose and address; false when the address has used them all.</summary>
    public bool TryAcquire(string purpose, string address)
    {
        using var lease = _limiter.Value.AttemptAcquire(purpose + ":" + address.Trim().ToLowerInvariant());
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        if (_limiter.IsValueCreated)
        {
            _limiter.Value.Dispose();
        }
    }
}

public static class RateLimitPolicies
{
    /// <summary>Public, unauthenticated endpoints: limited per client IP.</summary>
    public const string PublicPerClient = "public-per-client";

    internal static void Configure(RateLimiterOptions limiter)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.AddPolicy(PublicPerClient, context =>
        {
            var settings = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, settings.PerClientPermits),
                Window = settings.PerClientWindow,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        limiter.OnRejected = async (rejected, _) =>
        {
            if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            await CodedProblem.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited");
        };
    }
}
