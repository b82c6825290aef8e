using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

public sealed class HostJsonTests
{
    private static readonly JsonElement HostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json"))).RootElement;

    [Fact]
    public void HostJson_CustomHandler_RunsThisAppWithHttpForwardingUnderApi()
    {
        Assert.Equal("2.0", HostJson.GetProperty("version").GetString());
        var handler = HostJson.GetProperty("customHandler");
        Assert.Equal(typeof(Program).Assembly.GetName().Name, handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("api", HostJson.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
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
