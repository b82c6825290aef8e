using System.Net.Mail;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Platform.Email;

/// <summary>
/// The email settings are checked once at start: an unknown provider, a sender that is not an
/// address, or Communication Services without an https endpoint is logged once and makes
/// <c>/api/health</c> answer 503 naming <c>email</c>. The app keeps running (emails wait in the
/// outbox until the settings are fixed and the app restarts).
/// </summary>
public sealed class EmailSettingsCheck(IOptions<EmailOptions> options, ILogger<EmailSettingsCheck> logger) : IHealthCheck, IHostedService
{
    public string? Problem { get; } = Validate(options.Value);

    public static string? Validate(EmailOptions settings)
    {
        var acs = string.Equals(settings.Provider, "AzureCommunicationServices", StringComparison.OrdinalIgnoreCase);
        if (!acs && !string.Equals(settings.Provider, "Smtp", StringComparison.OrdinalIgnoreCase))
        {
            return $"The setting Email:Provider ('{settings.Provider}') is neither Smtp nor AzureCommunicationServices.";
        }

        if (!MailAddress.TryCreate(settings.From, out var from) || from.Address != settings.From.Trim())
        {
            return $"The setting Email:From ('{settings.From}') is not an email address.";
        }

        if (acs && settings.AcsEndpoint is not { IsAbsoluteUri: true, Scheme: "https" })
        {
            return "The setting Email:AcsEndpoint must be the https address of the Communication Services resource.";
        }

        return null;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Problem is not null)
        {
            logger.LogError("Email cannot be delivered: {Problem}", Problem);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Problem is null ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(Problem));
}
