using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.AzureHost;

namespace Serverless.Functions.Tests.AzureHost;

/// <summary>
/// What the Functions host finds in the published app: the Durable Task extension, host.json's
/// settings, a .NET isolated worker and no custom handler, and every function the worker declares
/// when the host asks it (its metadata provider, then the Durable extension's transformer, which adds
/// the orchestrators and activities registered as classes: they are not in functions.metadata).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PublishedAppTests(StackFixture stack, PublishedFunctionsApp app) : IClassFixture<PublishedFunctionsApp>
{
    [Fact]
    public void Publish_HasTheDurableExtension_HostJsonSettings_AndAnIsolatedWorker()
    {
        var extensions = JsonDocument.Parse(app.Read("extensions.json")).RootElement.GetProperty("extensions")
            .EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        var host = JsonDocument.Parse(app.Read("host.json")).RootElement;
        var worker = JsonDocument.Parse(app.Read("worker.config.json")).RootElement.GetProperty("description");

        Assert.Contains("DurableTask", extensions);
        Assert.Contains("AzureStorageQueues", extensions);
        var durable = host.GetProperty("extensions").GetProperty("durableTask");
        Assert.Equal("%Durable:TaskHubName%", durable.GetProperty("hubName").GetString());
        Assert.Equal("AzureStorage", durable.GetProperty("storageProvider").GetProperty("type").GetString());
        Assert.Equal("AzureWebJobsStorage", durable.GetProperty("storageProvider").GetProperty("connectionName").GetString());
        Assert.Equal("api", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.False(host.TryGetProperty("customHandler", out _), "host.json still names a custom handler");
        Assert.False(host.TryGetProperty("extensionBundle", out _), "a .NET isolated app brings its extensions; a bundle would be ignored or conflict");
        Assert.Equal("dotnet-isolated", worker.GetProperty("language").GetString());
        Assert.Equal("Serverless.Functions.dll", worker.GetProperty("defaultWorkerPath").GetString());
        Assert.Empty(Directory.GetFiles(app.Folder, "function.json", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(app.Folder, "Platform", "Localization", "Messages", "ar.json")), "the message catalogue is published");
    }

    [Fact]
    public async Task Worker_DeclaresEveryOrchestratorActivityTimerQueueAndHttpFunction()
    {
        using var worker = AzureHostTestKit.Build(stack);
        var metadata = (await worker.Services.GetRequiredService<IFunctionMetadataProvider>().GetFunctionMetadataAsync(app.Folder)).ToList();
        foreach (var transformer in worker.Services.GetServices<IFunctionMetadataTransformer>())
        {
            transformer.Transform(metadata);
        }

        var declared = metadata.ToDictionary(f => f.Name!, f => Triggers(f), StringComparer.Ordinal);
        var tasks = typeof(FunctionsApp).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }).ToList();
        var orchestrators = tasks.Where(t => typeof(ITaskOrchestrator).IsAssignableFrom(t)).Select(t => t.Name).ToList();
        var activities = tasks.Where(t => typeof(ITaskActivity).IsAssignableFrom(t)).Select(t => t.Name).ToList();

        Assert.NotEmpty(orchestrators);
        Assert.NotEmpty(activities);
        Assert.All(orchestrators, name => Assert.True(declared.TryGetValue(name, out var t) && t.Contains("orchestrationTrigger"), name + " is not declared as an orchestration function"));
        Assert.All(activities, name => Assert.True(declared.TryGetValue(name, out var t) && t.Contains("activityTrigger"), name + " is not declared as an activity function"));
        Assert.Contains("httpTrigger", declared[ApiFunction.Name]);
        Assert.Contains("durableClient", declared[ApiFunction.Name]);
        Assert.Contains("timerTrigger", declared[MaintenanceFunctions.Sweeper]);
        Assert.Contains("queueTrigger", declared[MaintenanceFunctions.EmailOutbox]);
        Assert.Equal(orchestrators.Count + activities.Count + 3, declared.Count);
    }

    private static List<string> Triggers(IFunctionMetadata function) =>
        (function.RawBindings ?? []).Select(b => JsonDocument.Parse(b).RootElement.GetProperty("type").GetString()!).ToList();
}
