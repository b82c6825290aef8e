using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Storage;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

/// <summary>What the email tests share: storage clients over the test stack, outbox rows read back, a message, and a wait for the outbox to drain.</summary>
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

    /// <summary>The outbox rows addressed to the recipient.</summary>
    public static Task<List<EmailOutboxEntity>> RowsToAsync(StackFixture stack, string address) =>
        RowsAsync(stack, TableClient.CreateQueryFilter($"To eq {address}"));

    /// <summary>The outbox rows whose message key starts with the prefix (one business event's emails, e.g. "workshop-invitation/{campaign}/").</summary>
    public static Task<List<EmailOutboxEntity>> RowsWithKeyPrefixAsync(StackFixture stack, string prefix) =>
        RowsAsync(stack, TableClient.CreateQueryFilter($"MessageKey ge {prefix} and MessageKey lt {prefix + "~"}"));

    public static async Task<List<EmailOutboxEntity>> RowsAsync(StackFixture stack, string filter)
    {
        var table = new TableClient(stack.Storage.ConnectionString, EmailOutboxEntity.TableName);
        await table.CreateIfNotExistsAsync();
        var rows = new List<EmailOutboxEntity>();
        await foreach (var row in table.QueryAsync<EmailOutboxEntity>(filter, select: [nameof(EmailOutboxEntity.To), nameof(EmailOutboxEntity.MessageKey), nameof(EmailOutboxEntity.Status)]))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// Waits until the outbox has nothing left to deliver to the recipient (every row to it Sent or
    /// Failed) and the inbox holds every message the outbox sent to it; returns those messages. A
    /// test that asserts an email was sent only once, or not at all, asserts after this.
    /// </summary>
    public static Task<IReadOnlyList<JsonElement>> WaitForOutboxDrainedAsync(StackFixture stack, string address, TimeSpan? timeout = null) =>
        WaitForOutboxDrainedAsync(stack, () => RowsToAsync(stack, address), m => MailDevFixture.IsTo(m, address), "to " + address, timeout);

    /// <summary>The same for the rows <paramref name="rows"/> finds and the inbox messages <paramref name="received"/> matches.</summary>
    public static async Task<IReadOnlyList<JsonElement>> WaitForOutboxDrainedAsync(
        StackFixture stack, Func<Task<List<EmailOutboxEntity>>> rows, Func<JsonElement, bool> received, string what, TimeSpan? timeout = null, TimeSpan? every = null)
    {
        var (_, inbox) = await Wait.ForAsync(
            async () => (Rows: await rows(), Inbox: (await stack.Mail.GetMessagesAsync()).Where(received).ToList()),
            s => s.Rows.All(r => r.Status is EmailStatus.Sent or EmailStatus.Failed) && s.Inbox.Count >= s.Rows.Count(r => r.Status == EmailStatus.Sent),
            "the outbox to deliver every email " + what,
            timeout,
            every ?? TimeSpan.FromMilliseconds(200),
            s => $"outbox: {string.Join(", ", s.Rows.GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key}"))}; inbox: {s.Inbox.Count}");
        return inbox;
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
