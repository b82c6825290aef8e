using Serverless.Testing;

namespace Serverless.Functions.Tests;

/// <summary>Azurite and the local mail inbox, shared by every test in the "stack" collection.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    public AzuriteFixture Storage { get; } = new();

    public MailDevFixture Mail { get; } = new();

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Storage.InitializeAsync(), Mail.InitializeAsync());
    }

    public async Task DisposeAsync()
    {
        await Storage.DisposeAsync();
        await Mail.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
