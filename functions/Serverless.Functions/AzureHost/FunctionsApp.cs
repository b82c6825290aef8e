using System.Text.Json;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Platform.Configuration;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Hosting;

namespace Serverless.Functions.AzureHost;

/// <summary>
/// The app as Azure runs it: a .NET isolated worker of the Functions host (docs/design.md §2). The
/// host runs Durable Functions (the same Azure Storage provider as locally) and calls this worker's
/// functions: <see cref="ApiFunction"/> for every HTTP request, <see cref="MaintenanceFunctions"/> for
/// the timer and the email queue, and the orchestrators and activities the features register
/// (<c>ConfigureDurableWorker</c> adds them as functions when the worker starts). Everything else is
/// the same code as the local app's, added by <see cref="AppComposition"/>.
/// </summary>
public static class FunctionsApp
{
    /// <summary>
    /// Settings that only make sense under the host, applied over every other source: the host's
    /// triggers drive the email outbox and the sweeps (the app's own pollers stay off), and the host
    /// on loopback is the proxy in front of every request.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> HostSettings = new Dictionary<string, string?>
    {
        ["Email:EnablePollers"] = "false",
        ["Maintenance:EnableSweeps"] = "false",
        ["ForwardedHeaders:TrustLoopback"] = "true",
    };

    /// <summary>The Functions host starts its worker with --functions-* arguments (older hosts: --workerId).</summary>
    public static bool IsStartedByFunctionsHost(string[] args) =>
        args.Any(a => a.StartsWith("--functions-worker-id", StringComparison.Ordinal) || a.StartsWith("--workerId", StringComparison.Ordinal));

    public static async Task RunAsync(string[] args)
    {
        using var host = CreateBuilder(args).Build();
        await host.RunAsync();
    }

    /// <summary>The worker's builder with every service in place; tests build it without running it.</summary>
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();

        builder.Configuration.AddHostJsonAppSection();
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(HostSettings);

        builder.AddFeatures();
        builder.AddDurableFromFunctionsHost();

        // The host's invocation spans (HTTP, queue, timer, orchestrator and activity triggers) become
        // the parents of the app's own; AddFeatures set up the sources and exporters.
        builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        builder.Services.AddSingleton<ApiPipeline>();
        return builder;
    }

    /// <summary>
    /// Orchestrations in Azure: the features' <c>AddOrchestrations</c> fill the same task registry that
    /// <c>ConfigureDurableWorker().AddTasks(...)</c> fills, so the Durable extension declares every
    /// orchestrator and activity to the host as a function. Payloads stay in the web's JSON shape.
    /// </summary>
    private static void AddDurableFromFunctionsHost(this FunctionsApplicationBuilder builder)
    {
        builder.Services.AddOptions<DurableOptions>().Bind(builder.Configuration.GetSection(DurableOptions.SectionName));

        // The extension's own start-up code does this when the worker is the entry assembly; said here
        // too (it is idempotent) so the worker is the same wherever it is built, tests included.
        builder.ConfigureDurableExtension();
        builder.ConfigureDurableWorker();
        builder.Services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        builder.Services.AddSingleton<DurableClientAccessor>();
        builder.Services.AddSingleton<DurableTaskClient, BoundDurableTaskClient>();
        builder.Services.AddSingleton<IOrchestrationHistory, ClientOrchestrationHistory>();
        builder.Services.AddHealthChecks().AddCheck<FunctionsDurableHealthCheck>("orchestrations");
    }
}
