using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Serverless.Functions.Platform.Email;

/// <summary>SMTP delivery with MailKit, keeping a few connections open between messages.</summary>
public sealed class SmtpEmailTransport(IOptions<EmailOptions> options) : IEmailTransport, IDisposable
{
    private readonly ConcurrentBag<SmtpClient> _idle = [];

    public async Task DeliverAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var mime = ToMime(message, options.Value);
        var client = await RentAsync(cancellationToken);
        try
        {
            await client.SendAsync(mime, cancellationToken);
            _idle.Add(client);
        }
        catch
        {
            client.Dispose();
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
        while (_idle.TryTake(out var client))
        {
            client.Dispose();
        }
    }

    private async Task<SmtpClient> RentAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryTake(out var pooled))
        {
            if (pooled.IsConnected)
            {
                return pooled;
            }

            pooled.Dispose();
        }

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
