using System.Net.Http.Headers;
using Azure.Core;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Platform.Email;

/// <summary>
/// Azure Communication Services Email over its REST API (the SDK package cannot be installed
/// here). Authenticates with the app's managed identity; the outbox key is sent as the
/// repeatability id, so a resend after a crash is accepted once by the service.
/// </summary>
public sealed class AcsEmailTransport(HttpClient http, TokenCredential credential, IOptions<EmailOptions> options) : IEmailTransport
{
    public const string ApiVersion = "2023-03-31";
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
        request.Headers.Add("repeatability-request-id", ToGuid(message.KeyHash).ToString());
        request.Headers.Add("repeatability-first-sent", DateTimeOffset.UtcNow.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"Communication Services answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }

    public static object ToRequest(EmailMessage message, EmailOptions settings) => new
    {
        senderAddress = settings.From,
        recipients = new { to = new[] { new { address = message.To, displayName = message.ToName ?? message.To } } },
        content = new { subject = message.Subject, plainText = message.TextBody, html = message.HtmlBody },
        attachments = message.Attachments.Select(a => new { name = a.FileName, contentType = a.ContentType, contentInBase64 = Convert.ToBase64String(a.Content) }).ToArray(),
        userEngagementTrackingDisabled = true,
    };

    private static Guid ToGuid(string keyHash) => new(Convert.FromHexString(keyHash[..32]));
}
