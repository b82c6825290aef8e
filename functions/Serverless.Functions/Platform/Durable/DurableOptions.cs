namespace Serverless.Functions.Platform.Durable;

/// <summary>
/// Settings of the orchestration engine (the Durable Task Framework's Azure Storage provider),
/// from the "Durable" section: host.json's "app" section, then app settings such as
/// <c>Durable__TaskHubName</c>.
/// </summary>
public sealed class DurableOptions
{
    public const string SectionName = "Durable";

    /// <summary>Prefix of the provider's tables, queues and containers (<c>{hub}History</c>, <c>{hub}Instances</c>, <c>{hub}-control-NN</c>, <c>{hub}-workitems</c>); 3-45 letters and digits.</summary>
    public string TaskHubName { get; set; } = "innovation";

    /// <summary>Control queues (partitions) of the hub, 1-16. Fixed once the hub exists.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Longest wait between polls of an idle queue. The provider's default is 30 s; a person waits on some of these orchestrations.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Orchestration episodes run at once by this process.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 32;

    /// <summary>Activities run at once by this process.</summary>
    public int MaxConcurrentActivities { get; set; } = 16;

    /// <summary>Control-queue messages fetched in one poll (at most 32).</summary>
    public int ControlQueueBatchSize { get; set; } = 32;

    /// <summary>How long a dequeued message stays hidden; a message whose worker died reappears after it. The provider's default is 5 minutes.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a partition lease lasts without renewal: the time a restarted process waits for the partitions of one that died.</summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Run orchestrations and activities in this process (the local app and the tests). In Azure, Durable Functions runs them.</summary>
    public bool EnableWorker { get; set; } = true;

    /// <summary>Loopback port of the in-process gRPC sidecar; 0 picks a free one.</summary>
    public int SidecarPort { get; set; }

    /// <summary>Largest input or event payload accepted from a caller, in UTF-8 bytes. The sidecar's gRPC messages are capped at 4 MB; larger payloads are stored as blobs by the provider.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;
}
