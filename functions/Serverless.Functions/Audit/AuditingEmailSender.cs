using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Audit;

/// <summary>
/// Wraps the platform's email sender so every email queued is audited under its recipient
/// ("email|{address}"), with its business key, subject and language. Bodies are not copied:
/// they may hold single-use links.
/// </summary>
public sealed class AuditingEmailSender(IEmailSender inner, IAuditLog audit) : IEmailSender
{
    public const string RecordType = "email";

    public async Task<EmailOutboxResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        var result = await inner.SendAsync(message, cancellationToken);
        if (result == EmailOutboxResult.Queued)
        {
            await audit.RecordAsync(
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

        return result;
    }
}
