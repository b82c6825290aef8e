using System.Text.Json;
using Grpc.Net.Client;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Platform.Durable;

/// <summary>
/// Orchestrations on Microsoft's Durable Task Framework: features register their
/// <c>TaskOrchestrator</c> and <c>TaskActivity</c> classes with <see cref="AddOrchestrations"/>;
/// <see cref="AddDurable"/> runs them in this process on the Azure Storage provider (through the
/// in-process <see cref="DurableSidecar"/>) and gives every caller a <see cref="DurableTaskClient"/>.
/// </summary>
public static class DurableExtensions
{
    public static IHostApplicationBuilder AddDurable(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(DurableOptions.SectionName);
        builder.Services.AddOptions<DurableOptions>().Bind(section);
        var options = section.Get<DurableOptions>() ?? new DurableOptions();

        // Inputs, outputs, events and custom status in the web's JSON shape (camelCase), as the portal reads them.
        builder.Services.AddSingleton<DataConverter>(new JsonDataConverter(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        builder.Services.AddSingleton<DurableSidecar>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DurableSidecar>());
        builder.Services.AddSingleton<IOrchestrationHistory>(sp => sp.GetRequiredService<DurableSidecar>());
        builder.Services.AddSingleton(sp => GrpcChannel.ForAddress(sp.GetRequiredService<DurableSidecar>().Address));

        if (options.EnableWorker)
        {
            builder.Services.AddDurableTaskWorker(worker =>
            {
                worker.UseGrpc((GrpcDurableTaskWorkerOptions o) => { });
                worker.Configure(o =>
                {
                    o.Concurrency.MaximumConcurrentOrchestrationWorkItems = Math.Max(1, options.MaxConcurrentOrchestrations);
                    o.Concurrency.MaximumConcurrentActivityWorkItems = Math.Max(1, options.MaxConcurrentActivities);
                });
            });
            builder.Services.AddOptions<GrpcDurableTaskWorkerOptions>(Options.DefaultName)
                .Configure<GrpcChannel>((o, channel) => o.Channel = channel);
        }

        builder.Services.AddDurableTaskClient(client => client.UseGrpc((GrpcDurableTaskClientOptions o) => { }));
        builder.Services.AddOptions<GrpcDurableTaskClientOptions>(Options.DefaultName)
            .Configure<GrpcChannel>((o, channel) => o.Channel = channel);

        builder.Services.AddHealthChecks().AddCheck<DurableHealthCheck>("orchestrations");
        return builder;
    }

    /// <summary>Registers a feature's orchestrators and activities (names come from the class names).</summary>
    public static IServiceCollection AddOrchestrations(this IServiceCollection services, Action<DurableTaskRegistry> register)
    {
        services.Configure(Options.DefaultName, register);
        return services;
    }
}

/// <summary>Healthy when the engine's task hub is reachable; otherwise names what fails.</summary>
public sealed class DurableHealthCheck(DurableSidecar sidecar) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(sidecar.Problem is { } problem ? HealthCheckResult.Unhealthy(problem) : HealthCheckResult.Healthy());
}
