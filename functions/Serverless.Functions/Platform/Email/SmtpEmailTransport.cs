using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Serverless.Functions.Platform.Email;

/// <summary>SMTP delivery with MailKit, keeping a few connections open between messages.</summary>
public sealed class SmtpEmailTransport(IOptions<EmailOptions> options) : IEmailTransport, IDisposable
{
    /// <summary>Servers close connections idle for a while (maildev after 60 s); older pooled ones are not reused.</summary>
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(20);

    private readonly ConcurrentBag<(SmtpClient Client, long IdleSince)> _idle = [];

    public async Task DeliverAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var mime = ToMime(message, options.Value);
        var (client, pooled) = await RentAsync(cancellationToken);
        try
        {
            await client.SendAsync(mime, cancellationToken);
            Return(client);
            return;
        }
        catch (Exception ex) when (pooled && ex is not OperationCanceledException)
        {
            // A pooled connection the server had closed meanwhile: not a failed delivery, so once more on a fresh one.
            client.Dispose();
        }
        catch
        {
            client.Dispose();
            throw;
        }

        var fresh = await ConnectAsync(cancellationToken);
        try
        {
            await fresh.SendAsync(mime, cancellationToken);
            Return(fresh);
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
    }

    public static MimeMessage ToMime(EmailMessage message, EmailOptions settings)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(settings.FromName, settings.From));
        mime.To.Add(new MailboxAddress(message.ToName ?? "", message.To));
        mime.Subject = message.Subject;
        // The key hash as Message-ID lets a receiving server drop a resend after a crash.
        mime.MessageId = $"{message.KeyHash}@innovation.network";
        mime.Headers.Add("Content-Language", message.Language);

        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        foreach (var attachment in message.Attachments)
        {
            body.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var idle))
        {
            idle.Client.Dispose();
        }
    }

    private void Return(SmtpClient client) => _idle.Add((client, Environment.TickCount64));

    private async Task<(SmtpClient Client, bool Pooled)> RentAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.Client.IsConnected && Environment.TickCount64 - idle.IdleSince < MaxIdle.TotalMilliseconds)
            {
                return (idle.Client, true);
            }

            idle.Client.Dispose();
        }

        return (await ConnectAsync(cancellationToken), false);
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        var client = new SmtpClient { Timeout = 30_000 };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return client;
    }
}
