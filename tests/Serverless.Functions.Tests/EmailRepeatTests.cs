using System.Net;
using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using Serverless.Functions.Platform.Email;
using static Serverless.Functions.Tests.EmailOutboxTestKit;

namespace Serverless.Functions.Tests;

/// <summary>
/// A message sent again after a crash (its claim lapsed after it was handed over) is recognisable
/// as the same message: over SMTP by its Message-ID, at Communication Services by one operation id
/// and one first-sent time on every attempt, so the service accepts it once.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class EmailRepeatTests(StackFixture stack)
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-27T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void ToMime_SameMessageTwice_CarriesOneStableMessageIdDerivedFromItsKey()
    {
        var settings = new EmailOptions();
        var message = Message("workshop-invitation/c1/p1", "anna@example.gov");

        var first = SmtpEmailTransport.ToMime(message, settings);
        var again = SmtpEmailTransport.ToMime(message with { Subject = "rendered again" }, settings);
        var other = SmtpEmailTransport.ToMime(Message("workshop-invitation/c1/p2", "anna@example.gov"), settings);

        Assert.Equal(message.KeyHash + "@innovation.network", first.MessageId);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.NotEqual(first.MessageId, other.MessageId);
    }

    [Fact]
    public async Task AcsDeliver_EveryAttemptOfOneMessage_SendsTheSameOperationIdAndFirstSentTime()
    {
        var (transport, handler, time) = Acs();
        var message = Message("workshop-invitation/c1/p1", "anna@example.gov") with { FirstAttemptAt = Start };

        await transport.DeliverAsync(message, default);
        time.Advance(TimeSpan.FromMinutes(2));
        await transport.DeliverAsync(message, default);

        Assert.Equal(2, handler.Requests.Count);
        var operationId = AcsEmailTransport.OperationId(message.KeyHash).ToString();
        Assert.All(handler.Requests, r =>
        {
            Assert.Equal(operationId, Header(r, "Operation-Id"));
            Assert.Equal(operationId, Header(r, "repeatability-request-id"));
            Assert.Equal("Fri, 27 Nov 2026 09:00:00 GMT", Header(r, "repeatability-first-sent"));
        });
        Assert.NotEqual(operationId, AcsEmailTransport.OperationId(Message("workshop-invitation/c1/p2", "x@example.gov").KeyHash).ToString());
    }

    [Fact]
    public async Task AcsDeliver_RepeatWhileTheFirstIsInProgress_CountsAsAcceptedOnce()
    {
        var (transport, handler, _) = Acs(HttpStatusCode.Conflict);

        await transport.DeliverAsync(Message("k/409", "anna@example.gov") with { FirstAttemptAt = Start }, default);

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task AcsDeliver_FirstAttemptLongerAgoThanTheServiceTracks_KeepsTheOperationIdWithoutRepeatabilityHeaders()
    {
        var (transport, handler, time) = Acs();
        var message = Message("k/late", "anna@example.gov") with { FirstAttemptAt = Start };
        time.Advance(TimeSpan.FromMinutes(6));

        await transport.DeliverAsync(message, default);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(AcsEmailTransport.OperationId(message.KeyHash).ToString(), Header(request, "Operation-Id"));
        Assert.Null(Header(request, "repeatability-first-sent"));
    }

    [Fact]
    public async Task Dispatch_RetriedAttempts_HandTheTransportTheFirstAttemptsTime()
    {
        var time = new FakeTimeProvider(Start);
        var seen = new List<DateTimeOffset?>();
        var transport = Substitute.For<IEmailTransport>();
        var calls = 0;
        transport.DeliverAsync(Arg.Do<EmailMessage>(m => seen.Add(m.FirstAttemptAt)), Arg.Any<CancellationToken>())
            .Returns(_ => ++calls == 1 ? Task.FromException(new IOException("mail server said 451")) : Task.CompletedTask);
        var outbox = new EmailOutbox(Storage(stack), NullLogger<EmailOutbox>.Instance);
        var sender = new OutboxEmailSender(outbox, Options.Create(new EmailOptions { EnablePollers = false }), time, NullLogger<OutboxEmailSender>.Instance);
        var dispatcher = new EmailDispatcher(outbox, transport, Options.Create(new EmailOptions { FirstRetryDelay = TimeSpan.FromSeconds(10) }), time, NullLogger<EmailDispatcher>.Instance);
        var message = Message("repeat/" + Guid.NewGuid(), "repeat@example.gov");
        await sender.SendAsync(message);

        var first = await dispatcher.DispatchAsync(message.KeyHash, default);
        time.Advance(TimeSpan.FromSeconds(10));
        var second = await dispatcher.DispatchAsync(message.KeyHash, default);

        Assert.Equal([DispatchOutcome.RetryScheduled, DispatchOutcome.Delivered], [first, second]);
        Assert.Equal([Start, Start], seen);
    }

    private static (AcsEmailTransport Transport, RecordingHandler Handler, FakeTimeProvider Time) Acs(HttpStatusCode status = HttpStatusCode.Accepted)
    {
        var time = new FakeTimeProvider(Start);
        var handler = new RecordingHandler(status);
        var credential = Substitute.For<TokenCredential>();
        credential.GetTokenAsync(Arg.Any<TokenRequestContext>(), Arg.Any<CancellationToken>()).Returns(new AccessToken("token", Start.AddHours(1)));
        var options = Options.Create(new EmailOptions { Provider = "AzureCommunicationServices", AcsEndpoint = new Uri("https://acs.example.communication.azure.com") });
        return (new AcsEmailTransport(new HttpClient(handler), credential, options, time), handler, time);
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>Stands in for Communication Services: records each request and answers with one status.</summary>
    private sealed class RecordingHandler(HttpStatusCode status) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent("{}") });
        }
    }
}
