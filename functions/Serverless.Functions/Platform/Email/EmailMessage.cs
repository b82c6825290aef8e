using System.Security.Cryptography;
using System.Text;

namespace Serverless.Functions.Platform.Email;

/// <summary>
/// One email to one recipient. <see cref="MessageKey"/> names the business event that causes it
/// (for example "workshop-invitation/{campaign}/{person}"): the outbox delivers each key once.
/// </summary>
public sealed record EmailMessage
{
    public required string MessageKey { get; init; }

    public required string To { get; init; }

    public string? ToName { get; init; }

    public required string Subject { get; init; }

    public required string TextBody { get; init; }

    public string? HtmlBody { get; init; }

    /// <summary>The recipient's language (BCP 47), recorded with the message.</summary>
    public string Language { get; init; } = "en";

    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];

    /// <summary>
    /// When the outbox first tried to deliver this message (set by the dispatcher, not stored in
    /// the payload): a transport that deduplicates repeats needs the same moment on every attempt.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset? FirstAttemptAt { get; init; }

    /// <summary>The outbox row key: a hash, so any key text is safe as a table key and a header.</summary>
    public string KeyHash => HashKey(MessageKey);

    public static string HashKey(string messageKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageKey)));
}

public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content);

public enum EmailOutboxResult
{
    /// <summary>The message is new and will be delivered.</summary>
    Queued,

    /// <summary>A message with this key was queued before; nothing new was written.</summary>
    AlreadyQueued,
}
