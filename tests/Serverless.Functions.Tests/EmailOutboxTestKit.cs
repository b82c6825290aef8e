using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Tests;

/// <summary>What the email outbox tests share: storage clients over the test stack, an outbox row read back, a message.</summary>
internal static class EmailOutboxTestKit
{
    public static StorageClients Storage(StackFixture stack) => new(
        Options.Create(new StorageOptions { ConnectionString = stack.Storage.ConnectionString }),
        NullLogger<StorageClients>.Instance);

    public static async Task<EmailOutboxEntity> ReadRowAsync(StackFixture stack, EmailMessage message)
    {
        var table = new TableClient(stack.Storage.ConnectionString, EmailOutboxEntity.TableName);
        return (await table.GetEntityAsync<EmailOutboxEntity>(EmailOutboxEntity.PartitionFor(message.KeyHash), message.KeyHash)).Value;
    }

    public static EmailMessage Message(string key, string to) => new()
    {
        MessageKey = key,
        To = to,
        ToName = "Anna Kowalska",
        Subject = "Welcome to the Innovation Network",
        TextBody = "You are now a member of the network.",
        HtmlBody = "<p>You are now a member of the network.</p>",
    };
}
