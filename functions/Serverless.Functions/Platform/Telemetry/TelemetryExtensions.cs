using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Serverless.Functions.Platform.Telemetry;

/// <summary>
/// Traces, in both hosts: an HTTP request, the orchestration it starts (the Durable Task client, the
/// orchestration and its activities, which the SDK links through the task hub), and the emails those
/// send (the outbox row carries the trace on to its delivery, <see cref="EmailTracing"/>) share one
/// trace id. Spans are always made, so logs and the outbox carry the trace; they are exported only
/// where a setting asks: Azure Monitor (<c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>, with Entra ID
/// auth through <see cref="DefaultAzureCredential"/>), OTLP (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) or the
/// console (<c>Telemetry:Console</c>). A malformed setting turns its exporter off and is logged once.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The app's own spans (email delivery).</summary>
    public const string SourceName = "Serverless.Functions";

    /// <summary>What the Durable Task SDK's client and worker name their spans' source.</summary>
    public const string DurableTaskSourceName = "Microsoft.DurableTask";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The gRPC service of the in-process orchestration sidecar, whose calls are plumbing, not requests.</summary>
    private static readonly PathString SidecarService = "/TaskHubSidecarService";

    public static OpenTelemetryBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        var settings = TelemetrySettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<TelemetrySettingsReport>();

        var telemetry = builder.Services.AddOpenTelemetry();
        telemetry.ConfigureResource(resource => resource.AddService(settings.ServiceName));
        telemetry.WithTracing(tracing =>
        {
            tracing
                .AddSource(SourceName, DurableTaskSourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments(SidecarService))
                // Outgoing calls made for a recorded span only: the pollers' storage and gRPC calls
                // (no parent) and the sidecar's (under its unrecorded requests) are no trace's, and a
                // call to the orchestration engine is the Durable Task span around it.
                .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = request =>
                    Activity.Current?.Parent is { Recorded: true } && request.RequestUri?.AbsolutePath.StartsWith(SidecarService + "/", StringComparison.Ordinal) != true);

            if (settings.AzureMonitorConnectionString is { } connectionString)
            {
                // Application Insights in Azure takes Entra ID tokens only; AZURE_CLIENT_ID names the app's identity.
                var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = settings.ManagedIdentityClientId });
                tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = connectionString, credential);
            }

            if (settings.OtlpEndpoint is { } endpoint)
            {
                tracing.AddOtlpExporter(o => o.Endpoint = endpoint);
            }

            if (settings.Console)
            {
                tracing.AddConsoleExporter();
            }
        });
        return telemetry;
    }
}

/// <summary>The exporters the settings ask for, and what was wrong with them.</summary>
public sealed class TelemetrySettings
{
    public const string SectionName = "Telemetry";

    public string ServiceName { get; private init; } = "innovation-api";

    public string? AzureMonitorConnectionString { get; private init; }

    public string? ManagedIdentityClientId { get; private init; }

    public Uri? OtlpEndpoint { get; private init; }

    public bool Console { get; private init; }

    /// <summary>Settings that were malformed, each turning its exporter off.</summary>
    public IReadOnlyList<string> Problems { get; private init; } = [];

    /// <summary>Which exporters are on, for the start-up log.</summary>
    public IEnumerable<string> Exporters =>
        new[] { AzureMonitorConnectionString is null ? null : "Azure Monitor", OtlpEndpoint is null ? null : "OTLP " + OtlpEndpoint, Console ? "console" : null }.OfType<string>();

    public static TelemetrySettings From(IConfiguration configuration)
    {
        var problems = new List<string>();

        var connectionString = Blank(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        if (connectionString is not null && !IsConnectionString(connectionString))
        {
            problems.Add("APPLICATIONINSIGHTS_CONNECTION_STRING is not an Application Insights connection string (InstrumentationKey=<guid>;IngestionEndpoint=https://…); traces are not sent to Azure Monitor.");
            connectionString = null;
        }

        Uri? otlp = null;
        if (Blank(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) is { } endpoint)
        {
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                otlp = uri;
            }
            else
            {
                problems.Add($"OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is not an http(s) URL; traces are not sent over OTLP.");
            }
        }

        var console = false;
        if (Blank(configuration[$"{SectionName}:Console"]) is { } consoleSetting && !bool.TryParse(consoleSetting, out console))
        {
            problems.Add($"Telemetry:Console '{consoleSetting}' is neither true nor false; traces are not written to the console.");
        }

        return new TelemetrySettings
        {
            ServiceName = Blank(configuration["OTEL_SERVICE_NAME"]) ?? Blank(configuration[$"{SectionName}:ServiceName"]) ?? "innovation-api",
            AzureMonitorConnectionString = connectionString,
            ManagedIdentityClientId = Blank(configuration["AZURE_CLIENT_ID"]),
            OtlpEndpoint = otlp,
            Console = console,
            Problems = problems,
        };
    }

    /// <summary>Key=value pairs with a GUID instrumentation key and, if given, an https ingestion endpoint.</summary>
    private static bool IsConnectionString(string value)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return false;
            }

            pairs[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        return pairs.TryGetValue("InstrumentationKey", out var key) && Guid.TryParse(key, out _)
            && (!pairs.TryGetValue("IngestionEndpoint", out var ingestion) || (Uri.TryCreate(ingestion, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Logs once, at start, where traces go and which telemetry settings were ignored.</summary>
internal sealed class TelemetrySettingsReport(TelemetrySettings settings, ILogger<TelemetrySettingsReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var problem in settings.Problems)
        {
            logger.LogError("Telemetry setting ignored: {Problem}", problem);
        }

        if (settings.Exporters.Any())
        {
            logger.LogInformation("Traces are exported to {Exporters}", string.Join(", ", settings.Exporters));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
