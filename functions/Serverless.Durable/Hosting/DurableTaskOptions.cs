namespace Serverless.Durable;

/// <summary>Settings of the durable runtime, bound from the <c>DurableTask</c> configuration section.</summary>
public sealed class DurableTaskOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "DurableTask";

    /// <summary>Task hub name; prefixes every table, queue and container (letters and digits).</summary>
    public string TaskHubName { get; set; } = "innovation";

    /// <summary>Orchestration messages handled at once by this process's pollers.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 32;

    /// <summary>Activities run at once by this process's pollers.</summary>
    public int MaxConcurrentActivities { get; set; } = 64;

    /// <summary>Attempts before a message is dead-lettered and its instance failed.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Longest wait between polls of an idle queue (the back-off cap).</summary>
    public TimeSpan PollingMaxInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First wait after an empty poll.</summary>
    public TimeSpan PollingMinInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Largest input, output or event payload accepted, in UTF-8 bytes; payloads above the table and queue limits are kept in blobs.</summary>
    public int PayloadCapBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Payloads longer than this (characters) go to blob storage.</summary>
    public int InlinePayloadLimit { get; set; } = 12 * 1024;

    /// <summary>Run the runtime's own queue and timer pollers (standalone mode). False in Functions mode, where triggers call <see cref="DurableWorker.HandleMessageAsync"/> and <see cref="DurableWorker.SweepAsync"/>.</summary>
    public bool EnablePollers { get; set; } = true;

    /// <summary>
    /// With pollers on: messages this process sends to its own workers (activity work items, their
    /// results, the first wake-up of instances it creates) are handed over in memory instead of
    /// through the queues. The rows that make them durable stay until they are done with (an
    /// activity's outbox row until its result is in the history, a new instance's pending flag until
    /// its first episode), so a crash leaves them to the sweeper. Off: every message goes through the queues.
    /// </summary>
    public bool LocalHandOff { get; set; } = true;

    /// <summary>How long a received message stays hidden while it is handled.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Outbox rows older than this are re-sent by the sweeper.</summary>
    public TimeSpan OutboxStragglerAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the pollers' sweeper looks for outbox stragglers.</summary>
    public TimeSpan OutboxSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Azure Storage connection string when the Azure store is used through configuration.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>The control queue name: <c>{hub}-control</c>.</summary>
    public string ControlQueueName => TaskHubName.ToLowerInvariant() + "-control";

    /// <summary>The work-item queue name: <c>{hub}-workitems</c>.</summary>
    public string WorkItemQueueName => TaskHubName.ToLowerInvariant() + "-workitems";
}
