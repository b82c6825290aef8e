using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Serverless.Functions.Platform.Email;

/// <summary>One outbox row per message key. PartitionKey spreads rows by the first two hex digits of the key hash.</summary>
public sealed class EmailOutboxEntity : ITableEntity
{
    public const string TableName = "EmailOutbox";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string MessageKey { get; set; } = "";

    public string To { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Language { get; set; } = "en";

    /// <summary>The message as JSON (bodies and attachments), or empty when kept in a blob.</summary>
    public string Payload { get; set; } = "";

    public string? PayloadBlob { get; set; }

    public string Status { get; set; } = EmailStatus.Pending;

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Who holds the current claim: lets a dispatcher whose write was applied but answered late (and retried) recognise its own claim.</summary>
    public string? ClaimId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>When the first delivery attempt was claimed: every attempt tells Communication Services this same moment (repeatability-first-sent).</summary>
    public DateTimeOffset? FirstAttemptAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>The W3C traceparent of the span that queued the message, so its delivery joins that trace; null on rows from before, or queued outside a trace.</summary>
    public string? TraceParent { get; set; }

    public static string PartitionFor(string keyHash) => keyHash[..2];

    public static EmailOutboxEntity From(EmailMessage message, DateTimeOffset now) => new()
    {
        PartitionKey = PartitionFor(message.KeyHash),
        RowKey = message.KeyHash,
        MessageKey = Truncate(message.MessageKey, 1000),
        To = message.To,
        Subject = Truncate(message.Subject, 1000),
        Language = message.Language,
        Status = EmailStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
    };

    public static string Serialize(EmailMessage message) => JsonSerializer.Serialize(message);

    public static EmailMessage Deserialize(string payload) =>
        JsonSerializer.Deserialize<EmailMessage>(payload) ?? throw new InvalidOperationException("empty outbox payload");

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

public static class EmailStatus
{
    public const string Pending = "Pending";
    public const string Sending = "Sending";
    public const string Sent = "Sent";
    public const string Failed = "Failed";
}
