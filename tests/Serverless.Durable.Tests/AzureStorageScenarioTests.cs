using Serverless.Durable.Storage;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>The scenario suite again, against Azure Storage as emulated by Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureStorageScenarioTests(AzuriteFixture azurite) : DurableScenarioTests
{
    protected override IDurableStore CreateStore() => new AzureStorageDurableStore(azurite.ConnectionString, Hub);
}
