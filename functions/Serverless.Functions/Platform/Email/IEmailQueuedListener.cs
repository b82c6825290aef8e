namespace Serverless.Functions.Platform.Email;

/// <summary>
/// Told of every email the outbox has just queued (not of a repeat of a key queued before).
/// Registered with <c>TryAddEnumerable</c> by whoever needs to know (the audit log), so neither the
/// order of the <c>Add…</c> calls nor the email provider matters.
/// </summary>
public interface IEmailQueuedListener
{
    Task OnQueuedAsync(EmailMessage message, CancellationToken cancellationToken);
}
