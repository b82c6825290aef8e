using System.Threading.Channels;
using Azure;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Platform.Telemetry;

namespace Serverless.Functions.Platform.Email;

/// <summary>
/// Writes each message to the outbox table (an Add, so a second message with the same key is
/// refused by storage itself) and then tells a dispatcher about the committed row:
/// <list type="bullet">
/// <item>Standalone mode (<see cref="EmailOptions.EnablePollers"/> on): the row is written already
/// claimed for this process and, with the ETag of the Add, handed in memory to its
/// <see cref="EmailDispatcherService"/> through <see cref="EmailOutbox.TryHandOff"/>; no queue
/// message is sent, so a delivery costs the Add and the "sent" mark and nothing else. Only if the
/// hand-off is full (or storage gave no ETag) is the claim given back and the queue nudged.</item>
/// <item>Functions mode (pollers off): a nudge with the key hash goes on the email queue, whose
/// trigger calls the dispatcher.</item>
/// </list>
/// Either way the row is committed first: if the hand-off or the nudge is lost (a crash, a failed
/// queue send), the dispatcher's sweep still finds the row. Each <see cref="IEmailQueuedListener"/>
/// then hears of the newly queued message.
/// </summary>
public sealed class OutboxEmailSender(
    EmailOutbox outbox,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<OutboxEmailSender> logger,
    IEnumerable<IEmailQueuedListener>? listeners = null) : IEmailSender
{
    public async Task<EmailOutboxResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message.MessageKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(message.To);

        var entity = EmailOutboxEntity.From(message, time.GetUtcNow());
        entity.TraceParent = EmailTracing.CurrentTraceParent();
        var handOff = options.Value.EnablePollers;
        if (handOff)
        {
            // Written already claimed for this process's dispatcher, which then delivers it without a
            // claim write of its own. Should this process die first, the claim lapses and the sweep delivers it.
            EmailDispatcher.ClaimBeforeWriting(entity, time.GetUtcNow(), options.Value.ClaimLease);
        }

        var payload = EmailOutboxEntity.Serialize(message);
        if (payload.Length > EmailOutbox.InlinePayloadLimit)
        {
            entity.PayloadBlob = await outbox.WritePayloadBlobAsync(entity.RowKey, payload, cancellationToken);
        }
        else
        {
            entity.Payload = payload;
        }

        var table = await outbox.TableAsync(cancellationToken);
        ETag? etag;
        try
        {
            etag = (await table.AddEntityAsync(entity, cancellationToken)).Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            // Queued before, or our own Add: one that storage applied but answered too late is retried
            // by the SDK and then finds the row. Our claim on the row tells.
            var existing = handOff ? await table.GetEntityIfExistsAsync<EmailOutboxEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken) : null;
            if (existing is not { HasValue: true } || existing.Value!.ClaimId != entity.ClaimId)
            {
                logger.LogDebug("Email {MessageKey} was queued before; not queued again", message.MessageKey);
                return EmailOutboxResult.AlreadyQueued;
            }

            etag = existing.Value.ETag;
        }

        if (!handOff || !await HandOffAsync(table, entity, etag))
        {
            await outbox.NotifyAsync(entity.RowKey, cancellationToken);
        }

        logger.LogInformation("Email {MessageKey} to {To} queued", message.MessageKey, message.To);
        foreach (var listener in listeners ?? [])
        {
            await listener.OnQueuedAsync(message, cancellationToken);
        }

        return EmailOutboxResult.Queued;
    }

    /// <summary>Gives the committed, claimed row to this process's dispatcher; false (with the claim given back) when the queue must carry the nudge instead.</summary>
    private async Task<bool> HandOffAsync(Azure.Data.Tables.TableClient table, EmailOutboxEntity entity, ETag? etag)
    {
        // Once handed off, the entity is the dispatcher's.
        entity.ETag = etag ?? default;
        if (etag is not null && outbox.TryHandOff(entity))
        {
            return true;
        }

        logger.LogWarning("Email hand-off is full; nudging {KeyHash} through the queue", entity.RowKey);
        entity.Status = EmailStatus.Pending;
        entity.LeaseUntil = null;
        entity.ClaimId = null;
        entity.Attempts = 0;
        try
        {
            await table.UpdateEntityAsync(entity, etag ?? ETag.All, Azure.Data.Tables.TableUpdateMode.Replace, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            // The claim lapses instead and the sweep delivers the row.
            logger.LogWarning("Could not give back the claim of email {KeyHash}: {Status}", entity.RowKey, ex.Status);
        }

        return false;
    }
}

/// <summary>
/// The outbox's storage (its table, its queue, its payload container) and its in-process
/// signals: the hand-off of committed rows to this process's dispatcher (standalone mode) and
/// the wake-up of the queue reader.
/// </summary>
public sealed class EmailOutbox(StorageClients storage, ILogger<EmailOutbox> logger)
{
    public const string QueueName = "email-outbox";
    public const string PayloadContainer = "email-payloads";

    /// <summary>Table string properties hold 64 KiB; larger payloads go to a blob.</summary>
    public const int InlinePayloadLimit = 30_000;

    /// <summary>Rows waiting in memory for the local dispatcher; beyond this the sender nudges through the queue instead.</summary>
    public const int HandOffCapacity = 10_000;

    private readonly SemaphoreSlim _wakeUp = new(0, int.MaxValue);

    private readonly Channel<EmailOutboxEntity> _handOff = Channel.CreateBounded<EmailOutboxEntity>(
        new BoundedChannelOptions(HandOffCapacity) { FullMode = BoundedChannelFullMode.Wait });
    private volatile bool _created;

    public async Task<Azure.Data.Tables.TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = storage.Tables.GetTableClient(EmailOutboxEntity.TableName);
        if (!_created)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            await storage.Queues.GetQueueClient(QueueName).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await storage.Blobs.GetBlobContainerClient(PayloadContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        return table;
    }

    public Azure.Storage.Queues.QueueClient Queue => storage.Queues.GetQueueClient(QueueName);

    /// <summary>Whether a message with this key was ever put in the outbox (whatever became of it).</summary>
    public async Task<bool> ContainsAsync(string messageKey, CancellationToken cancellationToken)
    {
        var keyHash = EmailMessage.HashKey(messageKey);
        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(EmailOutboxEntity.PartitionFor(keyHash), keyHash, ["PartitionKey"], cancellationToken);
        return found.HasValue;
    }

    public async Task<string> WritePayloadBlobAsync(string keyHash, string payload, CancellationToken cancellationToken)
    {
        await TableAsync(cancellationToken);
        var blob = storage.Blobs.GetBlobContainerClient(PayloadContainer).GetBlobClient(keyHash + ".json");
        await blob.UploadAsync(BinaryData.FromString(payload), overwrite: true, cancellationToken);
        return blob.Name;
    }

    public async Task<string> ReadPayloadAsync(EmailOutboxEntity entity, CancellationToken cancellationToken)
    {
        if (entity.PayloadBlob is null)
        {
            return entity.Payload;
        }

        var blob = storage.Blobs.GetBlobContainerClient(PayloadContainer).GetBlobClient(entity.PayloadBlob);
        var content = await blob.DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToString();
    }

    public async Task NotifyAsync(string keyHash, CancellationToken cancellationToken)
    {
        try
        {
            await Queue.SendMessageAsync(keyHash, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // The row is committed; the sweep delivers it even without this nudge.
            logger.LogWarning("Email queue nudge failed ({Status}); the sweep will deliver {KeyHash}", ex.Status, keyHash);
        }

        _wakeUp.Release();
    }

    /// <summary>
    /// Hands a committed row (carrying the ETag of its Add) to this process's
    /// <see cref="EmailDispatcherService"/>, without waiting. False when the hand-off is full. The
    /// hand-off lives only in memory: rows still in it when the process stops are Pending in the
    /// table, and the next sweep delivers them.
    /// </summary>
    public bool TryHandOff(EmailOutboxEntity entity) => _handOff.Writer.TryWrite(entity);

    /// <summary>The rows handed off by <see cref="TryHandOff"/>, read by the dispatcher service.</summary>
    public ChannelReader<EmailOutboxEntity> HandedOff => _handOff.Reader;

    /// <summary>Waits until this process nudges the queue or the timeout passes.</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _wakeUp.WaitAsync(timeout, cancellationToken);
}
