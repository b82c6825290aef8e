using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NSubstitute;
using OpenTelemetry.Trace;
using Serverless.Functions.Platform.Telemetry;
using Serverless.Functions.Tests.AzureHost;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Telemetry;

[Collection(StackCollection.Name)]
public sealed class TelemetrySetupTests(StackFixture stack)
{
    [Fact]
    public void Settings_NoneGiven_ExportNothing()
    {
        var settings = TelemetrySettings.From(Configuration());

        Assert.Empty(settings.Exporters);
        Assert.Empty(settings.Problems);
    }

    [Fact]
    public void Settings_WellFormed_TurnOnEachExporter()
    {
        var settings = TelemetrySettings.From(Configuration(
            ("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/"),
            ("AZURE_CLIENT_ID", "11111111-1111-1111-1111-111111111111"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4317"),
            ("Telemetry:Console", "true")));

        Assert.Equal(["Azure Monitor", "OTLP http://localhost:4317/", "console"], settings.Exporters);
        Assert.Equal("11111111-1111-1111-1111-111111111111", settings.ManagedIdentityClientId);
        Assert.Empty(settings.Problems);
    }

    [Fact]
    public async Task App_MalformedSettings_StartsWithTheirExportersOffAndLogsEachOnce()
    {
        var logs = new ConcurrentQueue<(LogLevel Level, string Message)>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=not-a-guid",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "localhost:4317",
            ["Telemetry:Console"] = "yes please",
        });
        builder.Logging.AddProvider(new CollectingLoggerProvider(logs));
        builder.AddTelemetry();

        using var host = builder.Build();
        await host.StartAsync();
        var tracer = host.Services.GetRequiredService<TracerProvider>();
        await host.StopAsync();

        Assert.NotNull(tracer);
        Assert.Empty(host.Services.GetRequiredService<TelemetrySettings>().Exporters);
        var errors = logs.Where(l => l.Level == LogLevel.Error).Select(l => l.Message).ToList();
        Assert.Equal(3, errors.Count);
        Assert.Single(errors, e => e.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", StringComparison.Ordinal));
        Assert.Single(errors, e => e.Contains("OTEL_EXPORTER_OTLP_ENDPOINT 'localhost:4317'", StringComparison.Ordinal));
        Assert.Single(errors, e => e.Contains("Telemetry:Console 'yes please'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FunctionsWorker_InvocationSpanFromTheHost_IsTheParentOfTheAppsWork()
    {
        // The Functions host hands each invocation its trace; the worker's OpenTelemetry package starts the invocation span.
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new TraceCollector(traceId);
        using var host = AzureHostTestKit.Build(stack, services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(spans)));
        _ = host.Services.GetRequiredService<TracerProvider>();
        using var invocationSource = new ActivitySource("Microsoft.Azure.Functions.Worker");

        AzureHostTestKit.Answer answer;
        using (var invocation = invocationSource.StartActivity("Invoke", ActivityKind.Server, new ActivityContext(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)))
        {
            Assert.NotNull(invocation);
            answer = await host.InvokeAsync(Substitute.For<DurableTaskClient>("test"), HttpMethod.Get, "/api/health");
        }

        Assert.Equal(200, answer.Status);
        var invoke = Assert.Single(spans.All, s => s.Source.Name == "Microsoft.Azure.Functions.Worker");
        var storageCall = spans.Find(s => s.Source.Name == "System.Net.Http" && (s.GetTagItem("url.full") as string)?.Contains("/devstoreaccount1/", StringComparison.Ordinal) == true);
        Assert.NotNull(storageCall);
        Assert.Equal(invoke, spans.AncestryOf(storageCall)[^1]);
    }

    [Fact]
    public void HostJson_HostTracesInOpenTelemetryAndDurableTasksCarryTheTrace()
    {
        var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json"))).RootElement;
        var tracing = hostJson.GetProperty("extensions").GetProperty("durableTask").GetProperty("tracing");

        Assert.Equal("OpenTelemetry", hostJson.GetProperty("telemetryMode").GetString());
        Assert.True(tracing.GetProperty("distributedTracingEnabled").GetBoolean());
        Assert.Equal("V2", tracing.GetProperty("version").GetString());
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value))).Build();

    private sealed class CollectingLoggerProvider(ConcurrentQueue<(LogLevel, string)> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(logs);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel, string)> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
