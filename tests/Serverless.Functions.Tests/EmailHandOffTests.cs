using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using Serverless.Functions.Platform.Email;
using Serverless.Testing;

using static Serverless.Functions.Tests.EmailOutboxTestKit;

namespace Serverless.Functions.Tests;

/// <summary>Standalone mode hands committed outbox rows to the local dispatcher in memory; Functions mode nudges the queue.</summary>
[Collection(StackCollection.Name)]
public sealed class EmailHandOffTests(StackFixture stack)
{
    [Fact]
    public async Task SendAsync_PollersOn_DeliversThroughTheHandOffWithoutAQueueMessage()
    {
        var transport = new GatedTransport();
        await using var factory = new PlatformFactory(Settings(pollers: true), services => services.AddSingleton<IEmailTransport>(transport));
        var sender = factory.Services.GetRequiredService<IEmailSender>();
        var queue = await EmptyQueueAsync();
        var message = Message("handoff/" + Guid.NewGuid());
        transport.Hold(message.MessageKey);

        Assert.Equal(EmailOutboxResult.Queued, await sender.SendAsync(message));

        // While the delivery is in progress a queue nudge would still be on the queue (received, not yet deleted).
        await Wait.UntilAsync(() => transport.Started.ContainsKey(message.MessageKey), "the delivery to start");
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        transport.Release(message.MessageKey);
        await Wait.UntilAsync(async () => (await ReadRowAsync(stack, message)).Status == EmailStatus.Sent, "the row to be Sent");
        Assert.Equal(1, transport.Delivered.GetValueOrDefault(message.MessageKey));
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Sweep_RowCommittedButNeverHandedOff_IsDeliveredByTheRunningService()
    {
        var settings = Settings(pollers: true);
        settings["Email:SweepInterval"] = "00:00:01";
        await using var factory = new PlatformFactory(settings);
        _ = factory.Services.GetRequiredService<IEmailSender>();
        var to = $"crashed-{Guid.NewGuid():N}@example.gov";
        var message = Message("crashed-before-handoff/" + to) with { To = to };

        // As if the process had committed the row and stopped before handing it off or nudging the queue.
        var table = await factory.Services.GetRequiredService<EmailOutbox>().TableAsync(default);
        var row = EmailOutboxEntity.From(message, DateTimeOffset.UtcNow);
        row.Payload = EmailOutboxEntity.Serialize(message);
        await table.AddEntityAsync(row);

        Assert.Single(await stack.Mail.WaitForMessagesToAsync(to, 1, TimeSpan.FromSeconds(20)));
        await Wait.UntilAsync(async () => (await ReadRowAsync(stack, message)).Status == EmailStatus.Sent, "the row to be Sent");
    }

    [Fact]
    public async Task SendAsync_PollersOff_PutsExactlyOneNudgeOnTheQueue()
    {
        await using var factory = PlatformFactory.ForStorage(stack.Storage.ConnectionString, pollers: false);
        var sender = factory.Services.GetRequiredService<IEmailSender>();
        var queue = await EmptyQueueAsync();
        var message = Message("functions-nudge/" + Guid.NewGuid());

        Assert.Equal(EmailOutboxResult.Queued, await sender.SendAsync(message));

        var nudge = Assert.Single((await queue.PeekMessagesAsync(32)).Value);
        Assert.Equal(message.KeyHash, nudge.MessageText);
        Assert.False(factory.Services.GetRequiredService<EmailOutbox>().HandedOff.TryPeek(out _));
        Assert.Equal(EmailStatus.Pending, (await ReadRowAsync(stack, message)).Status);
    }

    [Fact]
    public async Task DispatchAsync_HandedOffRowIsWrittenClaimed_OtherDispatchersFindItBusyAndItIsDeliveredOnceWithoutAClaimWrite()
    {
        var (_, transport, outbox, sender, dispatcher) = Standalone();
        var message = Message("handoff-claimed/" + Guid.NewGuid());
        await sender.SendAsync(message);
        Assert.True(outbox.HandedOff.TryRead(out var handedOff));
        var written = await ReadRowAsync(stack, message);

        var byQueue = await dispatcher.DispatchAsync(message.KeyHash, default);
        await dispatcher.SweepAsync(default);
        var afterSweep = await ReadRowAsync(stack, message);
        var byHandOff = await dispatcher.DispatchAsync(handedOff, default);
        var sent = await ReadRowAsync(stack, message);

        // Written claimed by its sender for this process: nobody else takes it while the claim holds.
        // (The sweep's own count is not asserted: the table is shared with the other tests.)
        Assert.Equal((EmailStatus.Sending, 1), (written.Status, written.Attempts));
        Assert.Equal(written.ClaimId, handedOff.ClaimId);
        Assert.Equal((EmailStatus.Sending, written.ClaimId, written.ETag), (afterSweep.Status, afterSweep.ClaimId, afterSweep.ETag));
        Assert.Equal((DispatchOutcome.Busy, DispatchOutcome.Delivered), (byQueue, byHandOff));
        await transport.Received(1).DeliverAsync(Arg.Is<EmailMessage>(m => m.MessageKey == message.MessageKey), Arg.Any<CancellationToken>());
        Assert.Equal((EmailStatus.Sent, 1, written.ClaimId), (sent.Status, sent.Attempts, sent.ClaimId));
    }

    [Fact]
    public async Task Sweep_ClaimedRowWhoseProcessDied_IsDeliveredOnceTheClaimLapses()
    {
        var (time, transport, _, sender, dispatcher) = Standalone();
        var message = Message("handoff-died/" + Guid.NewGuid());

        // Written and handed off; the process dies before its dispatcher takes the row.
        await sender.SendAsync(message);
        await dispatcher.SweepAsync(default);
        var early = await ReadRowAsync(stack, message);
        time.Advance(new EmailOptions().ClaimLease + TimeSpan.FromSeconds(1));
        await dispatcher.SweepAsync(default);

        Assert.Equal(EmailStatus.Sending, early.Status);
        await transport.Received(1).DeliverAsync(Arg.Is<EmailMessage>(m => m.MessageKey == message.MessageKey), Arg.Any<CancellationToken>());
        Assert.Equal(EmailStatus.Sent, (await ReadRowAsync(stack, message)).Status);
    }

    [Fact]
    public async Task Service_OneHandedOffDeliveryHangs_TheOthersAreStillDeliveredAndStopGivesTheClaimBack()
    {
        var transport = new GatedTransport();
        var outbox = new EmailOutbox(Storage(stack), NullLogger<EmailOutbox>.Instance);
        var options = Options.Create(new EmailOptions { EnablePollers = true, MaxConcurrentDeliveries = 2, SweepInterval = TimeSpan.FromHours(1) });
        var sender = new OutboxEmailSender(outbox, options, TimeProvider.System, NullLogger<OutboxEmailSender>.Instance);
        var dispatcher = new EmailDispatcher(outbox, transport, options, TimeProvider.System, NullLogger<EmailDispatcher>.Instance);
        using var service = new EmailDispatcherService(outbox, dispatcher, options, TimeProvider.System, NullLogger<EmailDispatcherService>.Instance);
        var hung = Message("handoff-hung/" + Guid.NewGuid());
        var others = Enumerable.Range(0, 6).Select(i => Message($"handoff-other-{i}/{Guid.NewGuid()}")).ToList();
        transport.Hold(hung.MessageKey);
        await service.StartAsync(default);
        try
        {
            await sender.SendAsync(hung);
            await Wait.UntilAsync(() => transport.Started.ContainsKey(hung.MessageKey), "the hung delivery to start");
            foreach (var other in others)
            {
                await sender.SendAsync(other);
            }

            await Wait.UntilAsync(() => others.All(o => transport.Delivered.ContainsKey(o.MessageKey)), "the other emails to be delivered");
        }
        finally
        {
            await service.StopAsync(default);
        }

        Assert.All(others, o => Assert.Equal(1, transport.Delivered[o.MessageKey]));
        Assert.False(transport.Delivered.ContainsKey(hung.MessageKey));
        var released = await ReadRowAsync(stack, hung);
        Assert.Equal((EmailStatus.Pending, 0), (released.Status, released.Attempts));
    }

    /// <summary>One standalone process's sender and dispatcher over the test stack, with a fake clock and a substitute transport; the test drives the dispatcher.</summary>
    private (FakeTimeProvider Time, IEmailTransport Transport, EmailOutbox Outbox, OutboxEmailSender Sender, EmailDispatcher Dispatcher) Standalone()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var transport = Substitute.For<IEmailTransport>();
        var outbox = new EmailOutbox(Storage(stack), NullLogger<EmailOutbox>.Instance);
        var options = Options.Create(new EmailOptions { EnablePollers = true });
        return (time, transport, outbox, new OutboxEmailSender(outbox, options, time, NullLogger<OutboxEmailSender>.Instance), new EmailDispatcher(outbox, transport, options, time, NullLogger<EmailDispatcher>.Instance));
    }

    private Dictionary<string, string?> Settings(bool pollers) => new()
    {
        ["Storage:ConnectionString"] = stack.Storage.ConnectionString,
        ["Email:Smtp:Port"] = stack.Mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:EnablePollers"] = pollers ? "true" : "false",
        ["Web:Root"] = Path.Combine(Path.GetTempPath(), "no-portal-here"),
    };

    /// <summary>The shared email queue, emptied (tests in the stack collection run one at a time).</summary>
    private async Task<QueueClient> EmptyQueueAsync()
    {
        var queue = new QueueClient(stack.Storage.ConnectionString, EmailOutbox.QueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        await queue.ClearMessagesAsync();
        return queue;
    }

    private static EmailMessage Message(string key) => EmailOutboxTestKit.Message(key, "handoff@example.gov");

    /// <summary>Records deliveries; a held message's delivery waits until it is released or cancelled.</summary>
    private sealed class GatedTransport : IEmailTransport
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();

        public ConcurrentDictionary<string, int> Started { get; } = new();

        public ConcurrentDictionary<string, int> Delivered { get; } = new();

        public void Hold(string messageKey) => _gates[messageKey] = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release(string messageKey) => _gates[messageKey].TrySetResult();

        public async Task DeliverAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            Started.AddOrUpdate(message.MessageKey, 1, (_, n) => n + 1);
            if (_gates.TryGetValue(message.MessageKey, out var gate))
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            Delivered.AddOrUpdate(message.MessageKey, 1, (_, n) => n + 1);
        }
    }
}
