using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Platform.Storage;

/// <summary>
/// The three Azure Storage service clients, created once. A malformed setting does not crash the
/// process: it is logged once and reported by the health endpoint, and every use of the clients
/// fails with <see cref="StorageConfigurationException"/>.
/// </summary>
public sealed class StorageClients
{
    private readonly Lazy<(TableServiceClient Tables, QueueServiceClient Queues, BlobServiceClient Blobs)> _clients;

    public StorageClients(IOptions<StorageOptions> options, ILogger<StorageClients> logger)
    {
        var value = options.Value;
        try
        {
            var created = Create(value);
            _clients = new(() => created);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            ConfigurationError = $"Storage settings are invalid: {ex.Message}";
            logger.LogError("Storage settings are invalid: {Reason}", ex.Message);
            _clients = new(() => throw new StorageConfigurationException(ConfigurationError));
        }
    }

    /// <summary>Why the settings could not be used, or null when they could.</summary>
    public string? ConfigurationError { get; }

    public TableServiceClient Tables => _clients.Value.Tables;

    public QueueServiceClient Queues => _clients.Value.Queues;

    public BlobServiceClient Blobs => _clients.Value.Blobs;

    private static (TableServiceClient, QueueServiceClient, BlobServiceClient) Create(StorageOptions options)
    {
        // Few, quick retries: a person waits on most of these calls, and the health check must
        // answer within seconds when storage is unreachable.
        static void Tune(ClientOptions o)
        {
            o.Retry.MaxRetries = 2;
            o.Retry.Delay = TimeSpan.FromMilliseconds(200);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(2);
            o.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        }

        var tableOptions = new TableClientOptions();
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var blobOptions = new BlobClientOptions();
        Tune(tableOptions);
        Tune(queueOptions);
        Tune(blobOptions);

        if (options.UsesEndpoints)
        {
            if (options.TableEndpoint is null || options.QueueEndpoint is null || options.BlobEndpoint is null)
            {
                throw new ArgumentException("Storage:TableEndpoint, Storage:QueueEndpoint and Storage:BlobEndpoint must all be set when any is.");
            }

            var credential = new DefaultAzureCredential();
            return (
                new TableServiceClient(options.TableEndpoint, credential, tableOptions),
                new QueueServiceClient(options.QueueEndpoint, credential, queueOptions),
                new BlobServiceClient(options.BlobEndpoint, credential, blobOptions));
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("Storage:ConnectionString is empty.");
        }

        return (
            new TableServiceClient(options.ConnectionString, tableOptions),
            new QueueServiceClient(options.ConnectionString, queueOptions),
            new BlobServiceClient(options.ConnectionString, blobOptions));
    }
}

public sealed class StorageConfigurationException(string message) : InvalidOperationException(message);
