using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using Serverless.Functions.Platform.Email;

using static Serverless.Functions.Tests.EmailOutboxTestKit;

namespace Serverless.Functions.Tests;

[Collection(StackCollection.Name)]
public sealed class EmailOutboxTests(StackFixture stack)
{
    [Fact]
    public async Task SendAsync_SameKeyTwice_DeliversExactlyOneMessageToTheInbox()
    {
        await using var factory = PlatformFactory.ForStorage(stack.Storage.ConnectionString, stack.Mail.SmtpPort);
        var sender = factory.Services.GetRequiredService<IEmailSender>();
        var to = $"twice-{Guid.NewGuid():N}@example.gov";
        var message = Message("welcome/" + to, to);

        var first = await sender.SendAsync(message);
        var second = await sender.SendAsync(message with { Subject = "A retry of the same business event" });

        Assert.Equal(EmailOutboxResult.Queued, first);
        Assert.Equal(EmailOutboxResult.AlreadyQueued, second);
        var received = await WaitForOutboxDrainedAsync(stack, to);
        var only = Assert.Single(received);
        Assert.Equal("Welcome to the Innovation Network", only.GetProperty("subject").GetString());
        Assert.Equal(EmailStatus.Sent, Assert.Single(await RowsToAsync(stack, to)).Status);
    }

    [Fact]
    public async Task SendAsync_ArabicMessageWithAttachment_ArrivesIntactInTheInbox()
    {
        await using var factory = PlatformFactory.ForStorage(stack.Storage.ConnectionString, stack.Mail.SmtpPort);
        var sender = factory.Services.GetRequiredService<IEmailSender>();
        var to = $"ar-{Guid.NewGuid():N}@example.gov";
        var message = Message("invite/" + to, to) with
        {
            Subject = "دعوة إلى ورشة عمل",
            Language = "ar",
            Attachments = [new EmailAttachment("workshop.ics", "text/calendar", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"u8.ToArray())],
        };

        await sender.SendAsync(message);

        var received = Assert.Single(await stack.Mail.WaitForMessagesToAsync(to, 1, TimeSpan.FromSeconds(20)));
        Assert.Equal("دعوة إلى ورشة عمل", received.GetProperty("subject").GetString());
        var attachment = Assert.Single(received.GetProperty("attachments").EnumerateArray());
        Assert.Equal("workshop.ics", attachment.GetProperty("filename").GetString());
    }

    [Fact]
    public async Task Dispatch_TransportKeepsFailing_RetriesWithBackOffThenMarksFailedWithReason()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var transport = Substitute.For<IEmailTransport>();
        transport.DeliverAsync(Arg.Any<EmailMessage>(), Arg.Any<CancellationToken>()).ThrowsAsync(new IOException("mail server said 451"));
        var options = Options.Create(new EmailOptions { MaxAttempts = 3, FirstRetryDelay = TimeSpan.FromSeconds(10) });
        var outbox = new EmailOutbox(Storage(stack), NullLogger<EmailOutbox>.Instance);
        // Functions mode: the queue nudge drives the dispatcher, which claims the row itself.
        var sender = new OutboxEmailSender(outbox, Options.Create(new EmailOptions { EnablePollers = false }), time, NullLogger<OutboxEmailSender>.Instance);
        var dispatcher = new EmailDispatcher(outbox, transport, options, time, NullLogger<EmailDispatcher>.Instance);
        var message = Message("retry/" + Guid.NewGuid(), "retry@example.gov");
        await sender.SendAsync(message);

        var firstAttempt = await dispatcher.DispatchAsync(message.KeyHash, default);
        var tooEarly = await dispatcher.DispatchAsync(message.KeyHash, default);
        time.Advance(TimeSpan.FromSeconds(10));
        var secondAttempt = await dispatcher.DispatchAsync(message.KeyHash, default);
        time.Advance(TimeSpan.FromSeconds(19));
        var stillTooEarly = await dispatcher.DispatchAsync(message.KeyHash, default);
        time.Advance(TimeSpan.FromSeconds(1));
        var lastAttempt = await dispatcher.DispatchAsync(message.KeyHash, default);
        time.Advance(TimeSpan.FromHours(1));
        var afterFailure = await dispatcher.DispatchAsync(message.KeyHash, default);

        Assert.Equal(
            [DispatchOutcome.RetryScheduled, DispatchOutcome.NotDue, DispatchOutcome.RetryScheduled, DispatchOutcome.NotDue, DispatchOutcome.Failed, DispatchOutcome.Failed],
            [firstAttempt, tooEarly, secondAttempt, stillTooEarly, lastAttempt, afterFailure]);
        await transport.Received(3).DeliverAsync(Arg.Any<EmailMessage>(), Arg.Any<CancellationToken>());
        var row = await ReadRowAsync(stack, message);
        Assert.Equal(EmailStatus.Failed, row.Status);
        Assert.Equal(3, row.Attempts);
        Assert.Contains("mail server said 451", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_HostStopsDuringDelivery_ClaimIsGivenBackAndTheNextSweepDeliversAtOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var stopping = Substitute.For<IEmailTransport>();
        using var stop = new CancellationTokenSource();
        stopping.DeliverAsync(Arg.Any<EmailMessage>(), Arg.Any<CancellationToken>()).Returns(async call =>
        {
            await stop.CancelAsync();
            call.Arg<CancellationToken>().ThrowIfCancellationRequested();
        });
        var outbox = new EmailOutbox(Storage(stack), NullLogger<EmailOutbox>.Instance);
        // Functions mode: the queue nudge drives the dispatcher, which claims the row itself.
        var sender = new OutboxEmailSender(outbox, Options.Create(new EmailOptions { EnablePollers = false }), time, NullLogger<OutboxEmailSender>.Instance);
        var message = Message("stopping/" + Guid.NewGuid(), "stopping@example.gov");
        await sender.SendAsync(message);
        var first = new EmailDispatcher(outbox, stopping, Options.Create(new EmailOptions()), time, NullLogger<EmailDispatcher>.Instance);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.DispatchAsync(message.KeyHash, stop.Token));
        var released = await ReadRowAsync(stack, message);
        var transport = Substitute.For<IEmailTransport>();
        var next = new EmailDispatcher(outbox, transport, Options.Create(new EmailOptions()), time, NullLogger<EmailDispatcher>.Instance);
        await next.SweepAsync(default);

        Assert.Equal((EmailStatus.Pending, 0), (released.Status, released.Attempts));
        await transport.Received(1).DeliverAsync(Arg.Is<EmailMessage>(m => m.MessageKey == message.MessageKey), Arg.Any<CancellationToken>());
        Assert.Equal(EmailStatus.Sent, (await ReadRowAsync(stack, message)).Status);
    }

    [Fact]
    public async Task Sweep_MessageWhoseQueueNudgeWasLost_IsStillDelivered()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var transport = Substitute.For<IEmailTransport>();
        var outbox = new EmailOutbox(Storage(stack), NullLogger<EmailOutbox>.Instance);
        var dispatcher = new EmailDispatcher(outbox, transport, Options.Create(new EmailOptions()), time, NullLogger<EmailDispatcher>.Instance);
        var message = Message("lost-nudge/" + Guid.NewGuid(), "sweep@example.gov");
        var table = await outbox.TableAsync(default);
        var row = EmailOutboxEntity.From(message, time.GetUtcNow());
        row.Payload = EmailOutboxEntity.Serialize(message);
        await table.AddEntityAsync(row);

        await dispatcher.SweepAsync(default);
        await dispatcher.SweepAsync(default);

        await transport.Received(1).DeliverAsync(Arg.Is<EmailMessage>(m => m.MessageKey == message.MessageKey), Arg.Any<CancellationToken>());
        Assert.Equal(EmailStatus.Sent, (await ReadRowAsync(stack, message)).Status);
    }
}
