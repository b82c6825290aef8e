using Microsoft.Extensions.Options;
using Serverless.Durable;
using Serverless.Durable.Storage;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Platform.Durable;

/// <summary>
/// The durable runtime on the app's own storage clients, with its settings from the "Durable"
/// section (host.json's "app" section, then app settings such as Durable__EnablePollers).
/// Features add their orchestrators and activities through <see cref="AddDurable"/>'s registry.
/// </summary>
public static class DurableExtensions
{
    public const string SectionName = "Durable";

    public static IHostApplicationBuilder AddDurable(this IHostApplicationBuilder builder, Action<DurableTaskRegistry>? register = null)
    {
        var configuration = builder.Configuration;

        // Registered first, so the runtime's default store gives way to one on the app's clients
        // (connection string locally, managed identity in Azure; Base64 queue messages as the
        // Functions queue trigger expects).
        builder.Services.AddSingleton<IDurableStore>(sp =>
        {
            var storage = sp.GetRequiredService<StorageClients>();
            if (storage.ConfigurationError is { } error)
            {
                // Already logged once and reported by /api/health; every use fails with the reason.
                return UnconfiguredStore.Create(error);
            }

            var options = sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value;
            return new AzureStorageDurableStore(storage.Tables, storage.Queues, storage.Blobs, options.TaskHubName);
        });
        builder.Services.AddDurableTask(
            registry => register?.Invoke(registry),
            options => configuration.GetSection(SectionName).Bind(options));
        return builder;
    }
}

/// <summary>A store whose every call fails with the storage configuration error.</summary>
public class UnconfiguredStore : System.Reflection.DispatchProxy
{
    private string _error = "";

    public static IDurableStore Create(string error)
    {
        var store = Create<IDurableStore, UnconfiguredStore>();
        ((UnconfiguredStore)(object)store)._error = error;
        return store;
    }

    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
        throw new StorageConfigurationException(_error);
}
