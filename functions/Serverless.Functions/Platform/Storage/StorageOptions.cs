namespace Serverless.Functions.Platform.Storage;

/// <summary>
/// Where the app keeps its tables, queues and blobs. Either a connection string (Azurite locally)
/// or the three account endpoints, reached with DefaultAzureCredential (managed identity in Azure).
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    public Uri? TableEndpoint { get; set; }

    public Uri? QueueEndpoint { get; set; }

    public Uri? BlobEndpoint { get; set; }

    public bool UsesEndpoints => TableEndpoint is not null || QueueEndpoint is not null || BlobEndpoint is not null;
}
