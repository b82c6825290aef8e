using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Serverless.Testing;

/// <summary>
/// Starts the local mail inbox (maildev) on free loopback ports and reads what it received
/// through its HTTP API (maildev 3 serves it under /api/email).
/// </summary>
public sealed class MailDevFixture : IAsyncLifetime
{
    private NodeProcess? _process;
    private HttpClient? _http;

    public int SmtpPort { get; private set; }

    public int WebPort { get; private set; }

    public string WebUrl => $"http://127.0.0.1:{WebPort}";

    public async Task InitializeAsync()
    {
        SmtpPort = NodeProcess.FreePort();
        WebPort = NodeProcess.FreePort();
        _process = NodeProcess.Start(
            Path.Combine("maildev", "dist", "bin", "maildev.js"),
            [
                "--smtp", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--web", WebPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--silent",
            ]);
        await _process.WaitForPortsAsync(TimeSpan.FromSeconds(30), SmtpPort, WebPort);
        _http = new HttpClient { BaseAddress = new Uri(WebUrl) };
    }

    /// <summary>Every message in the inbox, newest last, as maildev's JSON.</summary>
    public async Task<IReadOnlyList<JsonElement>> GetMessagesAsync(CancellationToken cancellationToken = default)
    {
        var messages = await _http!.GetFromJsonAsync<List<JsonElement>>("/api/email", cancellationToken);
        return messages ?? [];
    }

    /// <summary>Messages addressed to one recipient.</summary>
    public async Task<IReadOnlyList<JsonElement>> GetMessagesToAsync(string address, CancellationToken cancellationToken = default)
    {
        var all = await GetMessagesAsync(cancellationToken);
        return all.Where(m => m.GetProperty("to").EnumerateArray()
            .Any(t => string.Equals(t.GetProperty("address").GetString(), address, StringComparison.OrdinalIgnoreCase)))
            .ToList();
    }

    /// <summary>Polls until at least <paramref name="count"/> messages reach the address, or the timeout passes.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForMessagesToAsync(string address, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = await GetMessagesToAsync(address);
            if (found.Count >= count || DateTime.UtcNow > deadline)
            {
                return found;
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
