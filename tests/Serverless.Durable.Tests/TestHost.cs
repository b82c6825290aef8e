using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Serverless.Durable.Storage;

namespace Serverless.Durable.Tests;

/// <summary>One "process": a service provider with the runtime over a given store, pollers started unless disabled.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly List<IHostedService> _hosted;

    private TestHost(ServiceProvider provider)
    {
        _provider = provider;
        _hosted = provider.GetServices<IHostedService>().ToList();
    }

    public IServiceProvider Services => _provider;

    public DurableTaskClient Client => _provider.GetRequiredService<DurableTaskClient>();

    public DurableWorker Worker => _provider.GetRequiredService<DurableWorker>();

    public static async Task<TestHost> StartAsync(
        IDurableStore store,
        FakeTimeProvider clock,
        string hub,
        EffectLog effects,
        Action<DurableTaskRegistry>? register = null,
        Action<DurableTaskOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(effects);
        services.AddDurableTask(
            r =>
            {
                TestRegistrations.All(r);
                register?.Invoke(r);
            },
            o =>
            {
                o.TaskHubName = hub;
                o.PollingMinInterval = TimeSpan.FromMilliseconds(10);
                o.PollingMaxInterval = TimeSpan.FromMilliseconds(100);
                o.MaxDequeueCount = 5;
                configure?.Invoke(o);
            }).UseStore(store);
        var host = new TestHost(services.BuildServiceProvider());
        foreach (var hosted in host._hosted)
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _hosted)
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
    }
}
