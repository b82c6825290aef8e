namespace Serverless.Functions.Platform.Email;

/// <summary>
/// How the platform sends email: every message is written to the outbox and delivered by the
/// dispatcher, never sent inline, so nothing is lost when a delivery fails or the process stops.
/// </summary>
public interface IEmailSender
{
    Task<EmailOutboxResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Delivers one message to a mail service (SMTP, Azure Communication Services).</summary>
public interface IEmailTransport
{
    Task DeliverAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// Told when an email is given up for good (the mail service refused it on every attempt), so the
/// feature that sent it can record that its recipient cannot be reached.
/// </summary>
public interface IEmailFailureObserver
{
    Task OnPermanentFailureAsync(string messageKey, string recipient, string reason, CancellationToken cancellationToken);
}
