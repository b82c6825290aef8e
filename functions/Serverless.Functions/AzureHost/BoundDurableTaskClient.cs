using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Serverless.Functions.AzureHost;

/// <summary>
/// In Azure the Functions host hands the worker its <see cref="DurableTaskClient"/> through the
/// <c>[DurableClient]</c> binding; every function of this app takes one and passes it here. The client
/// talks to the host's own gRPC endpoint, which stays the same for the life of the worker process.
/// </summary>
public sealed class DurableClientAccessor
{
    private DurableTaskClient? _client;

    /// <summary>The client of the latest invocation, or null before the first.</summary>
    public DurableTaskClient? Current => Volatile.Read(ref _client);

    public void Bind(DurableTaskClient client) => Volatile.Write(ref _client, client ?? throw new ArgumentNullException(nameof(client)));
}

/// <summary>
/// The <see cref="DurableTaskClient"/> that services and endpoints get from dependency injection in
/// Azure: every call goes to the client the host bound to the current (or latest) invocation. Before
/// any function has run on this instance there is none, and a call fails with a clear message (an
/// activity that starts orchestrations is retried; the maintenance sweep repairs what it could not start).
/// </summary>
public sealed class BoundDurableTaskClient(DurableClientAccessor accessor) : DurableTaskClient("functions")
{
    private DurableTaskClient Client => accessor.Current
        ?? throw new InvalidOperationException("No Durable Functions client has been bound on this instance yet: no function with a [DurableClient] binding has run.");

    public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) =>
        Client.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, options, cancellation);

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        Client.RaiseEventAsync(instanceId, eventName, eventPayload, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        Client.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) =>
        Client.TerminateInstanceAsync(instanceId, options, cancellation);

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        Client.SuspendInstanceAsync(instanceId, reason, cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        Client.ResumeInstanceAsync(instanceId, reason, cancellation);

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        Client.GetInstanceAsync(instanceId, getInputsAndOutputs, cancellation);

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        Client.GetAllInstancesAsync(filter);

    public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        Client.PurgeInstanceAsync(instanceId, options, cancellation);

    public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        Client.PurgeAllInstancesAsync(filter, options, cancellation);

    public override Task<IList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellation = default) =>
        Client.GetOrchestrationHistoryAsync(instanceId, cancellation);

    /// <summary>The bound clients belong to the host's client provider, which disposes them.</summary>
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
