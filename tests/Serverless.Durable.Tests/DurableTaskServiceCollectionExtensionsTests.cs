using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Durable.Storage;

namespace Serverless.Durable.Tests;

public sealed class DurableTaskServiceCollectionExtensionsTests
{
    [Fact]
    public void AddDurableTask_ConfigurationSection_BindsOptionsAndDerivesQueueNames()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DurableTask:TaskHubName"] = "Innovation",
            ["DurableTask:MaxConcurrentOrchestrations"] = "7",
            ["DurableTask:MaxConcurrentActivities"] = "9",
            ["DurableTask:MaxDequeueCount"] = "4",
            ["DurableTask:PollingMaxInterval"] = "00:00:03",
            ["DurableTask:PayloadCapBytes"] = "1000",
            ["DurableTask:EnablePollers"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);

        services.AddDurableTask(r => r.AddOrchestrator<HelloSequence>().AddActivity<RecordEffect>()).UseInMemoryStore();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<DurableTaskOptions>>().Value;
        var worker = provider.GetRequiredService<DurableWorker>();

        Assert.Equal(7, options.MaxConcurrentOrchestrations);
        Assert.Equal(9, options.MaxConcurrentActivities);
        Assert.Equal(4, options.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(3), options.PollingMaxInterval);
        Assert.Equal(1000, options.PayloadCapBytes);
        Assert.False(options.EnablePollers);
        Assert.Equal("innovation-control", worker.ControlQueueName);
        Assert.Equal("innovation-workitems", worker.WorkItemQueueName);
        Assert.IsType<InMemoryDurableStore>(provider.GetRequiredService<IDurableStore>());
        Assert.Single(provider.GetServices<IHostedService>());
    }

    [Fact]
    public void AddDurableTask_Defaults_HubIsInnovationAndNamesComeFromClasses()
    {
        var services = new ServiceCollection();

        services.AddDurableTask(r => r.AddOrchestrator<HelloSequence>().AddActivity<RecordEffect>());
        using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<DurableTaskRegistry>();

        Assert.Equal("innovation", provider.GetRequiredService<IOptions<DurableTaskOptions>>().Value.TaskHubName);
        Assert.Contains(nameof(HelloSequence), registry.OrchestratorNames);
        Assert.Contains(nameof(RecordEffect), registry.ActivityNames);
    }

    [Fact]
    public void AddOrchestrator_NotAnOrchestrator_Throws()
    {
        var registry = new DurableTaskRegistry();

        Assert.Throws<ArgumentException>(() => registry.AddOrchestrator(typeof(string)));
    }
}
