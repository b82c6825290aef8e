using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Telemetry;

namespace Serverless.Functions.Platform.Email;

/// <summary>
/// Delivers outbox rows, found by key hash (a queue nudge), handed over as they were written (the
/// in-process hand-off of standalone mode), or by the sweep. A row is claimed with an ETag-conditional write before delivery, so two
/// dispatchers never send the same row at once; a failed delivery is retried with exponential
/// back-off and, after <see cref="EmailOptions.MaxAttempts"/>, marked Failed with its reason.
/// </summary>
public sealed class EmailDispatcher(
    EmailOutbox outbox,
    IEmailTransport transport,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<EmailDispatcher> logger,
    IEnumerable<IEmailFailureObserver>? observers = null)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(30);

    /// <summary>Delivers the row with this key hash if it is due. Safe to call for any row, any number of times.</summary>
    public async Task<DispatchOutcome> DispatchAsync(string keyHash, CancellationToken cancellationToken)
    {
        if (keyHash.Length != 64 || !keyHash.All(Uri.IsHexDigit))
        {
            logger.LogWarning("Ignoring malformed email queue message {Message}", keyHash);
            return DispatchOutcome.NotFound;
        }

        var table = await outbox.TableAsync(cancellationToken);
        return await ReadAsync(table, EmailOutboxEntity.PartitionFor(keyHash), keyHash, cancellationToken) is { } row
            ? await DispatchAsync(table, row, cancellationToken)
            : DispatchOutcome.NotFound;
    }

    /// <summary>
    /// Delivers a row as its sender handed it over, without reading it again. A row written already
    /// claimed for this process (<see cref="OutboxEmailSender"/> in standalone mode) is delivered
    /// under that claim, with no claim write of its own; any other row is claimed conditionally on
    /// the entity's ETag, so if it changed since (another dispatcher or the sweep took it) the
    /// outcome is <see cref="DispatchOutcome.Busy"/>. Only for rows handed over in memory.
    /// </summary>
    public async Task<DispatchOutcome> DispatchAsync(EmailOutboxEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.ETag == default)
        {
            // Nothing to claim it with: read the row.
            return await DispatchAsync(entity.RowKey, cancellationToken);
        }

        var table = await outbox.TableAsync(cancellationToken);
        if (entity.Status == EmailStatus.Sending && entity.ClaimId is { } claim && entity.LeaseUntil > time.GetUtcNow())
        {
            return await DeliverClaimedAsync(table, entity, claim, cancellationToken);
        }

        return await DispatchAsync(table, entity, cancellationToken);
    }

    /// <summary>Marks a row about to be written as claimed for a dispatcher of this process (see <see cref="DispatchAsync(EmailOutboxEntity, CancellationToken)"/>).</summary>
    public static void ClaimBeforeWriting(EmailOutboxEntity entity, DateTimeOffset now, TimeSpan lease)
    {
        entity.Status = EmailStatus.Sending;
        entity.LeaseUntil = now + lease;
        entity.ClaimId = Guid.NewGuid().ToString("N");
        entity.Attempts = 1;
        entity.FirstAttemptAt = now;
    }

    /// <summary>Delivers every row that is due (new, waiting for a retry, or whose claim lapsed). Returns how many were delivered.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var table = await outbox.TableAsync(cancellationToken);
        var now = time.GetUtcNow();
        var filter = TableClient.CreateQueryFilter<EmailOutboxEntity>(e =>
            (e.Status == EmailStatus.Pending && e.NextAttemptAt <= now) ||
            (e.Status == EmailStatus.Sending && e.LeaseUntil <= now));
        var delivered = 0;
        await foreach (var entity in table.QueryAsync<EmailOutboxEntity>(filter, maxPerPage: 100, cancellationToken: cancellationToken))
        {
            if (await DispatchAsync(table, entity, cancellationToken) == DispatchOutcome.Delivered)
            {
                delivered++;
            }
        }

        return delivered;
    }

    private async Task<DispatchOutcome> DispatchAsync(TableClient table, EmailOutboxEntity entity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (entity.Status)
        {
            case EmailStatus.Sent:
                return DispatchOutcome.AlreadySent;
            case EmailStatus.Failed:
                return DispatchOutcome.Failed;
            case EmailStatus.Sending when entity.LeaseUntil > now:
                return DispatchOutcome.Busy;
            case EmailStatus.Pending when entity.NextAttemptAt > now:
                return DispatchOutcome.NotDue;
        }

        var claim = Guid.NewGuid().ToString("N");
        entity.Status = EmailStatus.Sending;
        entity.LeaseUntil = now + options.Value.ClaimLease;
        entity.ClaimId = claim;
        entity.Attempts++;
        entity.FirstAttemptAt ??= now;
        try
        {
            var claimed = await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            entity.ETag = claimed.Headers.ETag ?? entity.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status412PreconditionFailed)
        {
            // Someone else's claim, or our own: a write that storage applied but answered too late
            // is retried by the SDK and then fails its condition. Only the row can tell.
            if (await ReadAsync(table, entity.PartitionKey, entity.RowKey, cancellationToken) is not { Status: EmailStatus.Sending } own || own.ClaimId != claim)
            {
                return DispatchOutcome.Busy;
            }

            entity.ETag = own.ETag;
        }

        return await DeliverClaimedAsync(table, entity, claim, cancellationToken);
    }

    private async Task<DispatchOutcome> DeliverClaimedAsync(TableClient table, EmailOutboxEntity entity, string claim, CancellationToken cancellationToken)
    {
        // In the trace of whoever queued the message, whichever way the row reached this dispatcher.
        using var span = EmailTracing.StartDelivery(entity);
        var delivered = false;
        try
        {
            var message = EmailOutboxEntity.Deserialize(await outbox.ReadPayloadAsync(entity, cancellationToken)) with { FirstAttemptAt = entity.FirstAttemptAt ?? entity.CreatedAt };
            await transport.DeliverAsync(message, cancellationToken);
            delivered = true;
            entity.Status = EmailStatus.Sent;
            entity.SentAt = time.GetUtcNow();
            entity.LeaseUntil = null;
            entity.LastError = null;
            await RecordSentAsync(table, entity, claim);
            logger.LogInformation("Email {MessageKey} delivered to {To} on attempt {Attempt}", entity.MessageKey, entity.To, entity.Attempts);
            span?.SetStatus(ActivityStatusCode.Ok);
            return DispatchOutcome.Delivered;
        }
        catch (Exception ex) when (delivered && ex is not OperationCanceledException)
        {
            // Delivered, but the row could not be marked: its lease lapses and a sweep may send it again.
            logger.LogWarning("Email {MessageKey} was delivered but could not be marked sent: {Error}", entity.MessageKey, ex.Message);
            return DispatchOutcome.Delivered;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: give the claim back at once (it was no real attempt) so the next
            // sweep, here or on another instance, delivers it without waiting out the lease.
            entity.Status = EmailStatus.Pending;
            entity.Attempts--;
            entity.LeaseUntil = null;
            entity.NextAttemptAt = time.GetUtcNow();
            try
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, CancellationToken.None);
            }
            catch (RequestFailedException)
            {
                // The lease lapses instead.
            }

            throw;
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            var failed = entity.Attempts >= options.Value.MaxAttempts;
            entity.Status = failed ? EmailStatus.Failed : EmailStatus.Pending;
            entity.LeaseUntil = null;
            entity.LastError = ex.GetType().Name + ": " + ex.Message;
            entity.NextAttemptAt = time.GetUtcNow() + RetryDelay(entity.Attempts);
            try
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, CancellationToken.None);
            }
            catch (RequestFailedException updateFailure)
            {
                // The lease lapses and the sweep retries the row.
                logger.LogWarning("Could not record the failure of email {MessageKey}: {Status}", entity.MessageKey, updateFailure.Status);
            }

            if (failed)
            {
                logger.LogError(ex, "Email {MessageKey} to {To} failed after {Attempts} attempts", entity.MessageKey, entity.To, entity.Attempts);
                await TellObserversAsync(entity);
                return DispatchOutcome.Failed;
            }

            logger.LogWarning("Email {MessageKey} attempt {Attempt} failed, retrying at {NextAttemptAt}: {Error}", entity.MessageKey, entity.Attempts, entity.NextAttemptAt, entity.LastError);
            return DispatchOutcome.RetryScheduled;
        }
    }

    /// <summary>Marks the row sent; when the write's condition fails, checks whether our own earlier attempt of it landed.</summary>
    private async Task RecordSentAsync(TableClient table, EmailOutboxEntity entity, string claim)
    {
        try
        {
            await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, CancellationToken.None);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status412PreconditionFailed)
        {
            var current = await ReadAsync(table, entity.PartitionKey, entity.RowKey, CancellationToken.None);
            if (current is not null && current.ClaimId == claim && current.Status != EmailStatus.Sent)
            {
                await table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, CancellationToken.None);
            }
            else if (current is not { Status: EmailStatus.Sent })
            {
                throw;
            }
        }
    }

    /// <summary>The row as it is now, or null when there is none.</summary>
    private static async Task<EmailOutboxEntity?> ReadAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<EmailOutboxEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    private async Task TellObserversAsync(EmailOutboxEntity entity)
    {
        foreach (var observer in observers ?? [])
        {
            try
            {
                await observer.OnPermanentFailureAsync(entity.MessageKey, entity.To, entity.LastError ?? string.Empty, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "{Observer} could not record the failure of email {MessageKey}", observer.GetType().Name, entity.MessageKey);
            }
        }
    }

    private TimeSpan RetryDelay(int attempts)
    {
        var delay = options.Value.FirstRetryDelay * Math.Pow(2, Math.Max(0, attempts - 1));
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }
}

public enum DispatchOutcome
{
    Delivered,
    AlreadySent,
    NotDue,
    Busy,
    RetryScheduled,
    Failed,
    NotFound,
}
