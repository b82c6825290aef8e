using DurableTask.Core;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.Tests.Platform;

/// <summary>
/// The sidecar stops the provider from an async void handler, where an exception ends the process
/// (seen in CI: the provider's lease manager threw NullReferenceException when stopped before the
/// worker had connected). The wrapper makes that stop harmless.
/// </summary>
public sealed class StopOnceOrchestrationServiceTests
{
    [Fact]
    public async Task Stop_BeforeStart_DoesNotTouchTheProvider()
    {
        var provider = Substitute.For<IOrchestrationService>();
        provider.StopAsync(Arg.Any<bool>()).Throws(new NullReferenceException());
        var service = new StopOnceOrchestrationService(provider, NullLogger.Instance);

        await service.StopAsync();

        await provider.DidNotReceive().StopAsync(Arg.Any<bool>());
    }

    [Fact]
    public async Task Stop_ThatThrows_IsLoggedNotThrown_AndRunsOnce()
    {
        var provider = Substitute.For<IOrchestrationService>();
        provider.StopAsync(Arg.Any<bool>()).Returns(Task.FromException(new NullReferenceException()));
        var service = new StopOnceOrchestrationService(provider, NullLogger.Instance);
        await service.StartAsync();

        await service.StopAsync(isForced: false);
        await service.StopAsync(isForced: true);

        await provider.Received(1).StopAsync(false);
        await provider.DidNotReceive().StopAsync(true);
    }

    [Fact]
    public async Task WorkItems_PassThroughToTheProvider()
    {
        var provider = Substitute.For<IOrchestrationService>();
        var workItem = new TaskActivityWorkItem { Id = "a-1" };
        provider.LockNextTaskActivityWorkItem(Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>()).Returns(workItem);
        var service = new StopOnceOrchestrationService(provider, NullLogger.Instance);

        Assert.Same(workItem, await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None));
    }
}
