using System.Net.Http.Headers;
using Azure.Core;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Platform.Email;

/// <summary>
/// Azure Communication Services Email over its REST API (the SDK package cannot be installed
/// here). Authenticates with the app's managed identity. Every attempt of one outbox message
/// carries the same operation id (derived from its key) as Operation-Id and, while the service
/// still tracks it (5 minutes after the first attempt), as repeatability-request-id with the
/// same repeatability-first-sent: a resend after a crash or a lapsed claim is accepted once.
/// A 409 for a repeat means the first request is still being processed: it was accepted.
/// </summary>
public sealed class AcsEmailTransport(HttpClient http, TokenCredential credential, IOptions<EmailOptions> options, TimeProvider time) : IEmailTransport
{
    public const string ApiVersion = "2023-03-31";

    /// <summary>How long Communication Services remembers a repeatable request (5 minutes), less a margin for clock skew.</summary>
    public static readonly TimeSpan RepeatabilityWindow = TimeSpan.FromMinutes(4.5);
    private static readonly string[] Scopes = ["https://communication.azure.com//.default"];

    public async Task DeliverAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var endpoint = settings.AcsEndpoint ?? throw new InvalidOperationException("Email:AcsEndpoint is not set.");
        var token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, $"/emails:send?api-version={ApiVersion}"))
        {
            Content = JsonContent.Create(ToRequest(message, settings)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        var operationId = OperationId(message.KeyHash).ToString();
        request.Headers.Add("Operation-Id", operationId);
        var now = time.GetUtcNow();
        var firstSent = message.FirstAttemptAt is { } first && first <= now ? first : now;
        var repeatable = now - firstSent < RepeatabilityWindow;
        if (repeatable)
        {
            // Outside the window the service would refuse the repeat (412) and the message would never go.
            request.Headers.Add("repeatability-request-id", operationId);
            request.Headers.Add("repeatability-first-sent", firstSent.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode && !(repeatable && response.StatusCode == System.Net.HttpStatusCode.Conflict))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"Communication Services answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }

    /// <summary>The operation id of every attempt of one message: the first 128 bits of its key hash.</summary>
    public static Guid OperationId(string keyHash) => new(Convert.FromHexString(keyHash[..32]));

    public static object ToRequest(EmailMessage message, EmailOptions settings) => new
    {
        senderAddress = settings.From,
        recipients = new { to = new[] { new { address = message.To, displayName = message.ToName ?? message.To } } },
        content = new { subject = message.Subject, plainText = message.TextBody, html = message.HtmlBody },
        attachments = message.Attachments.Select(a => new { name = a.FileName, contentType = a.ContentType, contentInBase64 = Convert.ToBase64String(a.Content) }).ToArray(),
        userEngagementTrackingDisabled = true,
    };
}
