namespace Serverless.Durable.Storage;

/// <summary>
/// Everything the runtime persists, behind one interface with an in-memory and an Azure Storage
/// implementation. The shape follows Azure Table Storage: each orchestration instance owns one
/// partition of the instances table (instance row, history, inbox, outbox, processed markers),
/// and <see cref="ExecuteTransactionAsync"/> is an entity group transaction in that partition.
/// </summary>
public interface IDurableStore
{
    /// <summary>Creates tables, queues and containers if they do not exist.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads every row of an instance's partition (empty when the instance does not exist).</summary>
    Task<IReadOnlyList<StoreEntity>> ReadPartitionAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Reads one row of an instance's partition, or null.</summary>
    Task<StoreEntity?> ReadEntityAsync(string instanceId, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies up to 100 operations atomically to one instance partition. Returns the new ETag of
    /// each operation (null for deletes). Throws <see cref="StoreConflictException"/> when an ETag
    /// condition fails, an added row exists or a deleted row is missing; nothing is applied then.
    /// </summary>
    Task<IReadOnlyList<string?>> ExecuteTransactionAsync(string instanceId, IReadOnlyList<StoreOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Queries instance rows (row key <see cref="StoreEntity.InstanceRowKey"/>) one page at a time.</summary>
    Task<StorePage> QueryInstancesAsync(StoreInstanceQuery query, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a durable timer.</summary>
    Task UpsertTimerAsync(TimerEntry timer, CancellationToken cancellationToken = default);

    /// <summary>Timers due at or before <paramref name="dueBy"/>, earliest first.</summary>
    Task<IReadOnlyList<TimerEntry>> GetDueTimersAsync(DateTimeOffset dueBy, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Deletes a timer; missing timers are ignored.</summary>
    Task DeleteTimerAsync(TimerEntry timer, CancellationToken cancellationToken = default);

    /// <summary>Sends a message, optionally invisible for <paramref name="initialVisibilityDelay"/>.</summary>
    Task SendMessageAsync(string queueName, string messageText, TimeSpan? initialVisibilityDelay = null, CancellationToken cancellationToken = default);

    /// <summary>Receives up to <paramref name="maxMessages"/> messages, hiding them for <paramref name="visibilityTimeout"/>.</summary>
    Task<IReadOnlyList<StoreQueueMessage>> ReceiveMessagesAsync(string queueName, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>Deletes a received message; a message already gone is ignored.</summary>
    Task DeleteMessageAsync(string queueName, StoreQueueMessage message, CancellationToken cancellationToken = default);

    /// <summary>Makes a received message visible again after <paramref name="delay"/>.</summary>
    Task ReleaseMessageAsync(string queueName, StoreQueueMessage message, TimeSpan delay, CancellationToken cancellationToken = default);

    /// <summary>Approximate number of messages in a queue.</summary>
    Task<int> GetQueueLengthAsync(string queueName, CancellationToken cancellationToken = default);

    /// <summary>Stores a poison message with the reason it was given up.</summary>
    Task AddDeadLetterAsync(DeadLetterEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Lists dead-lettered messages, newest first.</summary>
    Task<IReadOnlyList<DeadLetterEntry>> GetDeadLettersAsync(int maxCount = 100, CancellationToken cancellationToken = default);

    /// <summary>Stores a large payload under <paramref name="name"/>.</summary>
    Task UploadPayloadAsync(string name, string content, CancellationToken cancellationToken = default);

    /// <summary>Reads a payload stored with <see cref="UploadPayloadAsync"/>.</summary>
    Task<string> DownloadPayloadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes every payload whose name starts with <paramref name="prefix"/>.</summary>
    Task DeletePayloadsAsync(string prefix, CancellationToken cancellationToken = default);
}

/// <summary>A table row: row key, ETag and typed properties (string, long, int, bool, double, DateTimeOffset).</summary>
public sealed class StoreEntity
{
    /// <summary>Row key of the instance row in an instance partition.</summary>
    public const string InstanceRowKey = "!";

    /// <summary>Creates a row.</summary>
    public StoreEntity(string rowKey, string? eTag = null, IDictionary<string, object?>? properties = null)
    {
        RowKey = rowKey;
        ETag = eTag;
        Properties = properties is null ? new Dictionary<string, object?>(StringComparer.Ordinal) : new Dictionary<string, object?>(properties, StringComparer.Ordinal);
    }

    /// <summary>The row key.</summary>
    public string RowKey { get; }

    /// <summary>The ETag as read, or null for a row not read from the store.</summary>
    public string? ETag { get; set; }

    /// <summary>The properties.</summary>
    public Dictionary<string, object?> Properties { get; }

    /// <summary>Gets or sets a property.</summary>
    public object? this[string name]
    {
        get => Properties.TryGetValue(name, out var value) ? value : null;
        set => Properties[name] = value;
    }

    /// <summary>A string property or null.</summary>
    public string? GetString(string name) => this[name] as string;

    /// <summary>An integer property or the default.</summary>
    public long GetInt64(string name, long defaultValue = 0) => this[name] switch
    {
        long l => l,
        int i => i,
        double d => (long)d,
        string s when long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var p) => p,
        _ => defaultValue,
    };

    /// <summary>A Boolean property or false.</summary>
    public bool GetBoolean(string name) => this[name] is true;

    /// <summary>A date property or null.</summary>
    public DateTimeOffset? GetDate(string name) => this[name] switch
    {
        DateTimeOffset d => d,
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        _ => null,
    };

    /// <summary>A deep copy.</summary>
    public StoreEntity Clone() => new(RowKey, ETag, Properties);
}

/// <summary>Kinds of row operation in a transaction.</summary>
public enum StoreOperationKind
{
    /// <summary>Insert; fails if the row exists.</summary>
    Add,

    /// <summary>Insert or replace the whole row, unconditionally.</summary>
    Upsert,

    /// <summary>Replace the whole row if its ETag matches <see cref="StoreOperation.IfMatch"/> ("*" for any).</summary>
    Replace,

    /// <summary>Merge properties into the row if its ETag matches.</summary>
    Merge,

    /// <summary>Delete the row if its ETag matches ("*" for any); fails if missing.</summary>
    Delete,
}

/// <summary>One row operation of a transaction.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Entity">The row (its properties are ignored for deletes).</param>
/// <param name="IfMatch">The ETag condition for replace, merge and delete.</param>
public sealed record StoreOperation(StoreOperationKind Kind, StoreEntity Entity, string? IfMatch = null);

/// <summary>A filter over instance rows.</summary>
public sealed record StoreInstanceQuery
{
    /// <summary>Statuses to include (any when empty).</summary>
    public IReadOnlyCollection<string>? Statuses { get; init; }

    /// <summary>Exact orchestrator name.</summary>
    public string? Name { get; init; }

    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Created before.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Only instances whose outbox may hold unsent rows and that were last updated before this time.</summary>
    public DateTimeOffset? OutboxPendingBefore { get; init; }

    /// <summary>Maximum rows per page.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Continuation token from the previous page.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>One page of instance rows.</summary>
/// <param name="Items">The rows; their <see cref="StoreEntity.RowKey"/> is the instance row key and the partition is in property <c>InstanceId</c>.</param>
/// <param name="ContinuationToken">Token for the next page, or null at the end.</param>
public sealed record StorePage(IReadOnlyList<StoreEntity> Items, string? ContinuationToken);

/// <summary>A durable timer row.</summary>
/// <param name="DueTime">When it fires.</param>
/// <param name="Id">Unique id (also the message id of the timer's message).</param>
/// <param name="MessageText">The control message sent when it fires.</param>
public sealed record TimerEntry(DateTimeOffset DueTime, string Id, string MessageText);

/// <summary>A received queue message.</summary>
/// <param name="MessageId">Queue message id.</param>
/// <param name="PopReceipt">Receipt for delete or release.</param>
/// <param name="DequeueCount">How many times it has been received, this time included.</param>
/// <param name="Text">The message text.</param>
public sealed record StoreQueueMessage(string MessageId, string PopReceipt, long DequeueCount, string Text);

/// <summary>A message given up after too many attempts.</summary>
/// <param name="Id">Unique id.</param>
/// <param name="QueueName">Queue it came from.</param>
/// <param name="InstanceId">Instance it concerned, if known.</param>
/// <param name="MessageText">Its text.</param>
/// <param name="DequeueCount">Attempts made.</param>
/// <param name="Reason">The last error.</param>
/// <param name="DeadLetteredAt">When it was given up.</param>
public sealed record DeadLetterEntry(string Id, string QueueName, string? InstanceId, string MessageText, long DequeueCount, string Reason, DateTimeOffset DeadLetteredAt);

/// <summary>An ETag condition failed or a row was added twice: another writer got there first.</summary>
public sealed class StoreConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreConflictException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoreConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoreConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
