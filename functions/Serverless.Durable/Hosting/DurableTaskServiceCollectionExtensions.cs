using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Durable.Core;
using Serverless.Durable.Storage;

namespace Serverless.Durable;

/// <summary>Chooses the store after <see cref="DurableTaskServiceCollectionExtensions.AddDurableTask"/>.</summary>
/// <param name="Services">The service collection.</param>
public sealed record DurableTaskBuilder(IServiceCollection Services)
{
    /// <summary>Keeps everything in memory (tests, experiments). Pass a store to share it between hosts or inject faults.</summary>
    public DurableTaskBuilder UseInMemoryStore(InMemoryDurableStore? store = null)
    {
        Services.RemoveAll<IDurableStore>();
        if (store is null)
        {
            Services.AddSingleton<IDurableStore>(sp => new InMemoryDurableStore(sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            Services.AddSingleton<IDurableStore>(store);
        }

        return this;
    }

    /// <summary>Uses Azure Table, Queue and Blob Storage with a connection string.</summary>
    public DurableTaskBuilder UseAzureStorage(string connectionString)
    {
        Services.RemoveAll<IDurableStore>();
        Services.AddSingleton<IDurableStore>(sp => new AzureStorageDurableStore(connectionString, sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value.TaskHubName));
        return this;
    }

    /// <summary>Uses Azure Storage with the given store instance (for example one built on token credentials).</summary>
    public DurableTaskBuilder UseStore(IDurableStore store)
    {
        Services.RemoveAll<IDurableStore>();
        Services.AddSingleton(store);
        return this;
    }
}

/// <summary>DI registration of the durable runtime.</summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Registers the runtime: <see cref="DurableTaskClient"/>, <see cref="DurableWorker"/> and the
    /// hosted pollers (when <see cref="DurableTaskOptions.EnablePollers"/>), with options bound from
    /// the <c>DurableTask</c> configuration section. Without a store chosen on the returned builder,
    /// the Azure store is used when <see cref="DurableTaskOptions.StorageConnectionString"/> is set,
    /// else the in-memory one.
    /// </summary>
    public static DurableTaskBuilder AddDurableTask(this IServiceCollection services, Action<DurableTaskRegistry> configure, Action<DurableTaskOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var registry = services.Where(d => d.ServiceType == typeof(DurableTaskRegistry)).Select(d => d.ImplementationInstance).OfType<DurableTaskRegistry>().FirstOrDefault();
        if (registry is null)
        {
            registry = new DurableTaskRegistry();
            services.AddSingleton(registry);
            var options = services.AddOptions<DurableTaskOptions>();
            options.Configure<IServiceProvider>((o, sp) =>
            {
                if (sp.GetService<IConfiguration>() is { } configuration)
                {
                    configuration.GetSection(DurableTaskOptions.SectionName).Bind(o);
                }
            });
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
            services.TryAddSingleton<IDurableStore>(sp =>
            {
                var o = sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value;
                return o.StorageConnectionString is { Length: > 0 } cs
                    ? new AzureStorageDurableStore(cs, o.TaskHubName)
                    : new InMemoryDurableStore(sp.GetRequiredService<TimeProvider>());
            });
            services.AddSingleton(sp => new DurableRuntime(sp.GetRequiredService<IDurableStore>(), sp.GetRequiredService<IOptions<DurableTaskOptions>>(), sp.GetRequiredService<TimeProvider>(), registry));
            services.AddSingleton(sp => new DurableTaskClient(sp.GetRequiredService<DurableRuntime>()));
            services.AddSingleton(sp => new DurableWorker(sp.GetRequiredService<DurableRuntime>(), sp, sp.GetRequiredService<ILoggerFactory>()));
            services.AddSingleton<IHostedService>(sp => new DurableWorkerHostedService(sp.GetRequiredService<DurableRuntime>(), sp.GetRequiredService<DurableWorker>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<DurableWorkerHostedService>()));
        }

        if (configureOptions is not null)
        {
            services.Configure(configureOptions);
        }

        configure(registry);
        return new DurableTaskBuilder(services);
    }
}
