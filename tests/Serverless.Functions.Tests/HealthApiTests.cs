using System.Net;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

[Collection(StackCollection.Name)]
public sealed class HealthApiTests(StackFixture stack)
{
    [Fact]
    public async Task GetHealth_StorageReachable_ReportsEachServiceHealthy()
    {
        await using var factory = PlatformFactory.ForStorage(stack.Storage.ConnectionString, stack.Mail.SmtpPort);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(["blobs", "email", "orchestrations", "queues", "tables"], checks.Keys.Order());
        Assert.All(checks.Values, status => Assert.Equal("Healthy", status));
    }

    [Fact]
    public async Task GetHealth_StorageDown_Returns503ProblemNamingEveryService()
    {
        var closedPort = NodeProcess.FreePort();
        var unreachable = $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{closedPort}/x;QueueEndpoint=http://127.0.0.1:{closedPort}/x;TableEndpoint=http://127.0.0.1:{closedPort}/x;";
        await using var factory = PlatformFactory.ForStorage(unreachable, pollers: false);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Storage is unreachable: tables, queues, blobs, orchestrations", body.RootElement.GetProperty("title").GetString());
        Assert.Contains("Connection refused", body.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetHealth_MalformedConnectionString_Returns503NamingTheSettingAndKeepsServing()
    {
        await using var factory = PlatformFactory.ForStorage("this is not a connection string", pollers: true);
        using var client = factory.CreateClient();

        using var first = await client.GetAsync("/api/health");
        using var second = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        var detail = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.StartsWith("Storage settings are invalid", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Email:Provider", "Pigeon", "Email:Provider")]
    [InlineData("Email:From", "not an address", "Email:From")]
    [InlineData("Email:AcsEndpoint", "http://plain.example", "Email:AcsEndpoint")]
    public async Task GetHealth_MalformedEmailSetting_Returns503NamingItAndKeepsServing(string key, string value, string named)
    {
        var settings = new List<(string, string?)> { (key, value) };
        if (key == "Email:AcsEndpoint")
        {
            settings.Add(("Email:Provider", "AzureCommunicationServices"));
        }

        await using var factory = Identity.PortalTestHost.Create(stack, [.. settings]);
        using var client = factory.CreateClient();

        using var health = await client.GetAsync("/api/health");
        using var antiforgery = await client.GetAsync("/api/auth/antiforgery");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var problem = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Not working: email", problem.GetProperty("title").GetString());
        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, antiforgery.StatusCode);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesTheHealthEndpoint()
    {
        await using var factory = PlatformFactory.ForStorage(stack.Storage.ConnectionString, pollers: false);
        using var client = factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var ui = await client.GetAsync("/api/docs/index.html");

        Assert.Equal("Innovation Network API", document.RootElement.GetProperty("info").GetProperty("title").GetString());
        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/api/health", out _));
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Fact]
    public async Task UnknownApiRoute_Returns404Problem()
    {
        await using var factory = PlatformFactory.ForStorage(stack.Storage.ConnectionString, pollers: false);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
