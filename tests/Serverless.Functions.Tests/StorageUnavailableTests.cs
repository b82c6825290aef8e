using System.Net;
using System.Text.Json;
using Serverless.Functions.Platform.Http;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Workshops;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

/// <summary>While storage is down, APIs answer 503 with Retry-After (a ProblemDetails in the caller's language), not 500.</summary>
public sealed class StorageUnavailableTests
{
    [Fact]
    public async Task AnyApi_StorageUnreachable_Answers503ProblemWithRetryAfter()
    {
        var closedPort = NodeProcess.FreePort();
        var unreachable = $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{closedPort}/x;QueueEndpoint=http://127.0.0.1:{closedPort}/x;TableEndpoint=http://127.0.0.1:{closedPort}/x;";
        await using var factory = PlatformFactory.ForStorage(unreachable, pollers: false);
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/workshops/invitation");
        request.Headers.Add(InvitationLinks.TokenHeader, SecureToken.Create());
        request.Headers.AcceptLanguage.ParseAdd("he");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(ProblemExceptionHandler.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("storage_unavailable", body.RootElement.GetProperty("code").GetString());
        Assert.Equal("השירות אינו יכול לגשת כרגע לאחסון שלו. נסו שוב בעוד כמה שניות.", body.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public void IsStorageUnreachable_RetriesExhaustedOnRefusedConnections_IsUnreachable()
    {
        var refused = new Azure.RequestFailedException("Connection refused (127.0.0.1:1)", new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111)));
        var gaveUp = new AggregateException("Retry failed after 3 tries.", refused, refused, refused);
        var timedOut = new AggregateException("Retry failed after 3 tries.", new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:10."));

        Assert.True(ProblemExceptionHandler.IsStorageUnreachable(gaveUp, CancellationToken.None));
        Assert.True(ProblemExceptionHandler.IsStorageUnreachable(timedOut, CancellationToken.None));
    }

    [Fact]
    public void IsStorageUnreachable_BugsAnswersAndAbandonedRequests_AreNot()
    {
        Assert.False(ProblemExceptionHandler.IsStorageUnreachable(new InvalidOperationException("a bug"), CancellationToken.None));
        Assert.False(ProblemExceptionHandler.IsStorageUnreachable(new Azure.RequestFailedException(500, "Internal error"), CancellationToken.None));
        Assert.False(ProblemExceptionHandler.IsStorageUnreachable(new OperationCanceledException(), new CancellationToken(canceled: true)));
    }
}
