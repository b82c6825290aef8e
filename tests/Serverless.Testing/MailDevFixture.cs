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
        return all.Where(m => IsTo(m, address)).ToList();
    }

    /// <summary>Whether the message is addressed to the recipient.</summary>
    public static bool IsTo(JsonElement message, string address) => message.GetProperty("to").EnumerateArray()
        .Any(t => string.Equals(t.GetProperty("address").GetString(), address, StringComparison.OrdinalIgnoreCase));

    /// <summary>Waits until at least <paramref name="count"/> messages reached the address; fails after the timeout naming what arrived.</summary>
    public Task<IReadOnlyList<JsonElement>> WaitForMessagesToAsync(string address, int count, TimeSpan timeout) =>
        Wait.ForAsync(
            () => GetMessagesToAsync(address),
            found => found.Count >= count,
            $"{count} message(s) to {address}",
            timeout,
            describe: Subjects);

    /// <summary>Waits until at least <paramref name="count"/> messages match; fails after the timeout naming what it waited for and what matched.</summary>
    public Task<IReadOnlyList<JsonElement>> WaitForMessagesAsync(Func<JsonElement, bool> match, int count, string what, TimeSpan timeout) =>
        Wait.ForAsync<IReadOnlyList<JsonElement>>(
            async () => [.. (await GetMessagesAsync()).Where(match)],
            found => found.Count >= count,
            $"{count} message(s) {what}",
            timeout,
            describe: Subjects);

    /// <summary>A failure message's account of messages: how many, and their subjects.</summary>
    public static string Subjects(IReadOnlyList<JsonElement> messages) =>
        $"{messages.Count} message(s)" + (messages.Count == 0 ? "" : ": " + string.Join("; ", messages.Take(10).Select(m => m.GetProperty("subject").GetString())));

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
