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
