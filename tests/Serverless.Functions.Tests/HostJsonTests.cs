using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

public sealed class HostJsonTests
{
    private static readonly JsonElement HostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json"))).RootElement;

    [Fact]
    public void HostJson_IsolatedWorker_DurableTaskOnAzureStorage_UnderApi()
    {
        Assert.Equal("2.0", HostJson.GetProperty("version").GetString());
        Assert.False(HostJson.TryGetProperty("customHandler", out _));
        var extensions = HostJson.GetProperty("extensions");
        Assert.Equal("api", extensions.GetProperty("http").GetProperty("routePrefix").GetString());

        // The hub name comes from the same setting the app reads (Durable:TaskHubName, app setting Durable__TaskHubName).
        Assert.Equal("%Durable:TaskHubName%", extensions.GetProperty("durableTask").GetProperty("hubName").GetString());
        Assert.Equal("AzureStorage", extensions.GetProperty("durableTask").GetProperty("storageProvider").GetProperty("type").GetString());
    }

    [Fact]
    public async Task AppSettings_AppSectionOfHostJson_IsReadAsConfiguration()
    {
        await using var factory = new PlatformFactory(new Dictionary<string, string?> { ["Email:EnablePollers"] = "false" });
        var configuration = factory.Services.GetRequiredService<IConfiguration>();

        Assert.Equal(HostJson.GetProperty("app").GetProperty("Durable").GetProperty("TaskHubName").GetString(), configuration["Durable:TaskHubName"]);
        Assert.Equal("innovation", configuration["Durable:TaskHubName"]);
    }
}
