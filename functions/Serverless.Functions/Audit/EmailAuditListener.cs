using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Audit;

/// <summary>
/// Audits every email queued under its recipient ("email|{address}"), with its business key,
/// subject and language. Bodies are not copied: they may hold single-use links.
/// </summary>
public sealed class EmailAuditListener(IAuditLog audit) : IEmailQueuedListener
{
    public const string RecordType = "email";

    public Task OnQueuedAsync(EmailMessage message, CancellationToken cancellationToken) =>
        audit.RecordAsync(
            new AuditRecord(RecordType, message.To.Trim().ToLowerInvariant(), "email-queued", After: new
            {
                message.MessageKey,
                message.To,
                message.Subject,
                message.Language,
                Attachments = message.Attachments.Select(a => a.FileName).ToArray(),
            }),
            cancellationToken);
}
