using System.Security.Claims;
using System.Text.Json;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Audit;

/// <summary>Records who did what to which record. Every write in the portal's features calls it.</summary>
public interface IAuditLog
{
    Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default);
}

/// <summary>
/// One change: the record (type and id), the action, and the record before and after as JSON
/// (null before a create, null after a delete). The actor is the signed-in person unless given.
/// </summary>
public sealed record AuditRecord(string RecordType, string RecordId, string Action, object? Before = null, object? After = null)
{
    /// <summary>Overrides the actor taken from the request ("system:demo-data", "anonymous").</summary>
    public string? Actor { get; init; }
}

/// <summary>
/// The audit table: one partition per record ("person|{id}"), newest entry first, so the history
/// of a record is one partition query. The actor comes from the current request's user.
/// </summary>
public sealed class TableAuditLog(StorageClients storage, IHttpContextAccessor http, TimeProvider time) : IAuditLog
{
    public const string TableName = "AuditLog";

    /// <summary>Table string properties hold 64 KiB (32K UTF-16 chars); longer snapshots are cut.</summary>
    private const int MaxSnapshotChars = 30_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile bool _created;

    public async Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var (actor, actorName) = record.Actor is { } given ? (given, null) : CurrentActor();
        var entity = new AuditEntity
        {
            PartitionKey = AuditEntity.PartitionFor(record.RecordType, record.RecordId),
            RowKey = AuditEntity.RowFor(now),
            RecordType = record.RecordType,
            RecordId = record.RecordId,
            Action = record.Action,
            Actor = actor,
            ActorName = actorName,
            At = now,
            Before = Snapshot(record.Before),
            After = Snapshot(record.After),
        };
        var table = await TableAsync(cancellationToken);
        await table.AddEntityAsync(entity, cancellationToken);
    }

    public async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = storage.Tables.GetTableClient(TableName);
        if (!_created)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }

        return table;
    }

    private (string Actor, string? Name) CurrentActor()
    {
        var user = http.HttpContext?.User;
        if (user?.Identity?.IsAuthenticated == true && user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id)
        {
            return ("person:" + id, user.FindFirstValue(ClaimTypes.Email));
        }

        return http.HttpContext is null ? ("system", null) : ("anonymous", null);
    }

    private static string? Snapshot(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var json = value as string ?? JsonSerializer.Serialize(value, value.GetType(), Json);
        return json.Length <= MaxSnapshotChars ? json : json[..MaxSnapshotChars];
    }
}

public sealed class AuditEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public Azure.ETag ETag { get; set; }

    public string RecordType { get; set; } = "";

    public string RecordId { get; set; } = "";

    public string Action { get; set; } = "";

    public string Actor { get; set; } = "";

    public string? ActorName { get; set; }

    public DateTimeOffset At { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }

    /// <summary>Keys may not hold / \ # ? or control characters; escaping keeps any id usable.</summary>
    public static string PartitionFor(string recordType, string recordId) => Uri.EscapeDataString(recordType) + "|" + Uri.EscapeDataString(recordId);

    /// <summary>Newest first: inverted ticks, then a random suffix so entries in one tick do not collide.</summary>
    public static string RowFor(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N");
}
