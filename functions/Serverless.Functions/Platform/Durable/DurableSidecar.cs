using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Platform.Durable;

/// <summary>
/// The orchestration engine of the local app and the tests: the Durable Task Framework's Azure
/// Storage provider (the one Durable Functions runs on in Azure), served to this process's
/// <c>Microsoft.DurableTask</c> worker and client by the gRPC sidecar of
/// <c>Microsoft.DurableTask.InProcessTestHost</c> on a loopback port. The sidecar is a small web
/// host of its own because gRPC needs an HTTP/2-only endpoint, which the app's HTTP/1.1 port is not.
/// Storage that is down at start is logged once and retried in the background; meanwhile
/// <see cref="Problem"/> says why, and the health endpoint reports it.
/// </summary>
public sealed class DurableSidecar : IHostedService, IAsyncDisposable, IOrchestrationHistory
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FirstAttemptWait = TimeSpan.FromSeconds(10);

    private readonly DurableOptions _options;
    private readonly StorageOptions _storage;
    private readonly StorageClients _clients;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _host;
    private AzureStorageOrchestrationService? _service;
    private StopOnceOrchestrationService? _dispatched;
    private Task? _retrying;
    private int _stopped;

    public DurableSidecar(IOptions<DurableOptions> options, IOptions<StorageOptions> storage, StorageClients clients, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _storage = storage.Value;
        _clients = clients;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DurableSidecar>();
        Address = new Uri($"http://127.0.0.1:{(_options.SidecarPort > 0 ? _options.SidecarPort : FreePort())}");
        Problem = "The orchestration engine is starting.";
    }

    /// <summary>Where the worker and the client reach the sidecar.</summary>
    public Uri Address { get; }

    /// <summary>Why the engine is not running, or null when it is.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// An instance's history (its latest execution) as the provider stored it, or null when the
    /// instance is unknown. The sidecar's gRPC API streams history only to the worker, so the
    /// workflow monitor reads it here.
    /// </summary>
    public async Task<System.Text.Json.JsonElement?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        var service = _service ?? throw new InvalidOperationException(Problem ?? "The orchestration engine is not running.");
        var state = await service.GetOrchestrationStateAsync(instanceId, allExecutions: false).WaitAsync(cancellationToken);
        if (state is not [{ OrchestrationInstance.ExecutionId: { } executionId }, ..])
        {
            return null;
        }

        var json = await service.GetOrchestrationHistoryAsync(instanceId, executionId).WaitAsync(cancellationToken);
        // The provider's history events, serialized without type names: one object per event with its EventType.
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first attempt is waited for (briefly), so the worker usually finds the sidecar when it
        // connects; an attempt that hangs on unreachable storage goes on in the background and the
        // app starts meanwhile (the health endpoint says why orchestrations are not running).
        _retrying = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        await Task.WhenAny(_firstAttempt.Task, Task.Delay(FirstAttemptWait, cancellationToken));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Once: the host stops it, and disposing stops it too when the host did not (or not yet).
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_retrying is { } retrying)
        {
            await retrying.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_host is { } host)
        {
            await host.StopAsync(cancellationToken);
        }

        // The sidecar stops its dispatchers without waiting for them; stop the provider here, so its
        // partition manager releases the leases now instead of fighting the next process for them.
        if (_dispatched is { } service)
        {
            await service.StopAsync(isForced: true).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
        if (_host is { } host)
        {
            await host.DisposeAsync();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var started = await TryStartAsync(logFailure: true, stopping);
        _firstAttempt.TrySetResult();
        if (started)
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await TryStartAsync(logFailure: false, stopping))
            {
                _logger.LogInformation("The orchestration engine started after storage became reachable");
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task<bool> TryStartAsync(bool logFailure, CancellationToken cancellationToken)
    {
        if (_clients.ConfigurationError is { } configurationError)
        {
            Problem = configurationError;
            return true; // Nothing to retry: the settings must change. Already logged by StorageClients.
        }

        try
        {
            var service = new AzureStorageOrchestrationService(Settings());
            await service.CreateIfNotExistsAsync().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            _host = BuildHost(service);
            _service = service;
            await _host.StartAsync(cancellationToken);
            Problem = null;
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Problem = "The orchestration engine cannot reach its task hub: " + ex.GetBaseException().Message.Split('\n')[0];
            if (logFailure)
            {
                _logger.LogError("The orchestration engine cannot start ({Reason}); retrying in the background", Problem);
            }

            return false;
        }
    }

    private AzureStorageOrchestrationServiceSettings Settings() => new()
    {
        TaskHubName = _options.TaskHubName,
        PartitionCount = Math.Clamp(_options.PartitionCount, 1, 16),
        MaxQueuePollingInterval = _options.MaxQueuePollingInterval,
        MaxConcurrentTaskOrchestrationWorkItems = Math.Max(1, _options.MaxConcurrentOrchestrations),
        MaxConcurrentTaskActivityWorkItems = Math.Max(1, _options.MaxConcurrentActivities),
        ControlQueueBatchSize = Math.Clamp(_options.ControlQueueBatchSize, 1, 32),
        ControlQueueVisibilityTimeout = _options.VisibilityTimeout,
        WorkItemQueueVisibilityTimeout = _options.VisibilityTimeout,
        LeaseInterval = _options.LeaseInterval,
        LeaseRenewInterval = _options.LeaseInterval / 3,
        LeaseAcquireInterval = _options.LeaseInterval / 3,

        // The table partition manager (as Durable Functions 3 uses) takes the partitions of a new or
        // released hub in one pass, where the blob-lease manager needs several 10-second rounds.
        UseTablePartitionManagement = true,
        CustomMessageTypeBinder = new ProtobufMapBinder(),

        // One worker per process: two processes on one machine (a restart, a benchmark's second app) must not share partition leases.
        WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}",
        StorageAccountClientProvider = _storage.UsesEndpoints
            ? new StorageAccountClientProvider(_storage.BlobEndpoint!, _storage.QueueEndpoint!, _storage.TableEndpoint!, new Azure.Identity.DefaultAzureCredential())
            : new StorageAccountClientProvider(_storage.ConnectionString),
        LoggerFactory = _loggerFactory,

        // A repeated start of an instance id that exists is ignored rather than an error: ids come from business keys.
        ThrowExceptionOnInvalidDedupeStatus = false,
    };

    private WebApplication BuildHost(AzureStorageOrchestrationService service)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, StoppedByOwner>(); // not by Ctrl+C or SIGTERM on its own: the app stops it after its worker
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Address.Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 16 * 1024 * 1024);
        _dispatched = new StopOnceOrchestrationService(service, _logger);
        builder.Services.AddSingleton<IOrchestrationService>(_dispatched);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = _options.EnableWorker ? TaskHubGrpcServerMode.ApiServerAndDispatcher : TaskHubGrpcServerMode.ApiServerOnly);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        return app;
    }

    /// <summary>A lifetime that waits for nothing and listens to no signal: the app starts and stops the sidecar.</summary>
    private sealed class StoppedByOwner : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
