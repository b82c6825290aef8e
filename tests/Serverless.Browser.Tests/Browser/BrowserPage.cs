using System.Text.Json;

namespace Serverless.Browser.Tests.Browser;

/// <summary>
/// One open page (in its own browser context). Methods mirror the driver's commands; a command
/// that fails (an element that never appears, a script error) throws <see cref="BrowserDriverException"/>
/// with the browser's explanation. Element waits use the driver's default of 10 s.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly BrowserDriver _driver;
    private bool _closed;

    internal BrowserPage(BrowserDriver driver, string id)
    {
        _driver = driver;
        Id = id;
    }

    public string Id { get; }

    /// <summary>Opens a URL and waits for the load event; returns the HTTP status (null for e.g. about:blank).</summary>
    public async Task<int?> GotoAsync(string url, CancellationToken cancellationToken = default)
    {
        var result = await SendAsync("goto", new() { ["url"] = url }, cancellationToken);
        return result.GetProperty("status") is { ValueKind: JsonValueKind.Number } status ? status.GetInt32() : null;
    }

    public async Task<string> UrlAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync("url", [], cancellationToken)).GetString() ?? "";

    public async Task<string> TitleAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync("title", [], cancellationToken)).GetString() ?? "";

    /// <summary>Clicks the element once it is visible, enabled and stable.</summary>
    public Task ClickAsync(Target target, CancellationToken cancellationToken = default) =>
        SendAsync("click", With(target), cancellationToken);

    /// <summary>Clears a text field and types the value into it.</summary>
    public Task FillAsync(Target target, string value, CancellationToken cancellationToken = default) =>
        SendAsync("fill", With(target, ("value", value)), cancellationToken);

    /// <summary>Chooses the option with this value (or label) in a select.</summary>
    public Task SelectOptionAsync(Target target, string value, CancellationToken cancellationToken = default) =>
        SendAsync("selectOption", With(target, ("value", value)), cancellationToken);

    /// <summary>Presses a key ("Tab", "Enter", "Shift+Tab") on the focused element, or on <paramref name="target"/>.</summary>
    public Task PressAsync(string key, Target? target = null, CancellationToken cancellationToken = default) =>
        SendAsync("press", target is null ? new() { ["key"] = key } : With(target, ("key", key)), cancellationToken);

    /// <summary>Types text into the focused element, one key at a time, as a keyboard user would.</summary>
    public Task TypeAsync(string text, CancellationToken cancellationToken = default) =>
        SendAsync("type", new() { ["text"] = text }, cancellationToken);

    /// <summary>The element's rendered text, trimmed.</summary>
    public async Task<string> TextAsync(Target target, CancellationToken cancellationToken = default) =>
        (await SendAsync("text", With(target), cancellationToken)).GetString() ?? "";

    /// <summary>The rendered text of every match (none is an empty list, not an error).</summary>
    public async Task<IReadOnlyList<string>> TextsAsync(Target target, CancellationToken cancellationToken = default) =>
        (await SendAsync("texts", With(target), cancellationToken)).Deserialize<List<string>>(BrowserDriver.Json) ?? [];

    /// <summary>An attribute's value, or null when the element lacks it.</summary>
    public async Task<string?> AttributeAsync(Target target, string name, CancellationToken cancellationToken = default) =>
        (await SendAsync("attribute", With(target, ("attribute", name)), cancellationToken)).GetString();

    public async Task<int> CountAsync(Target target, CancellationToken cancellationToken = default) =>
        (await SendAsync("count", With(target), cancellationToken)).GetInt32();

    public async Task<bool> IsVisibleAsync(Target target, CancellationToken cancellationToken = default) =>
        (await SendAsync("isVisible", With(target), cancellationToken)).GetBoolean();

    /// <summary>Waits until the (first) element reaches a state: visible, hidden, attached or detached.</summary>
    public Task WaitForAsync(Target target, TimeSpan? timeout = null, string state = "visible", CancellationToken cancellationToken = default) =>
        SendAsync("waitFor", With(target, ("state", state), ("timeoutMs", Milliseconds(timeout))), cancellationToken);

    /// <summary>Waits until some text is visible on the page.</summary>
    public Task WaitForTextAsync(string text, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForAsync(Target.ByText(text), timeout, "visible", cancellationToken);

    /// <summary>Waits until a JavaScript expression is truthy in the page, e.g. <c>document.dir === 'rtl'</c>.</summary>
    public Task WaitForFunctionAsync(string expression, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendAsync("waitForFunction", new() { ["expression"] = expression, ["timeoutMs"] = Milliseconds(timeout) }, cancellationToken);

    /// <summary>Waits until the URL matches (a full URL or a glob such as <c>**/workshops</c>); returns it.</summary>
    public async Task<string> WaitForUrlAsync(string urlOrGlob, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        (await SendAsync("waitForUrl", new() { ["url"] = urlOrGlob, ["timeoutMs"] = Milliseconds(timeout) }, cancellationToken)).GetString() ?? "";

    /// <summary>Evaluates a JavaScript expression in the page (promises are awaited) and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken cancellationToken = default) =>
        await SendAsync("evaluate", new() { ["expression"] = expression }, cancellationToken);

    public async Task<T?> EvaluateAsync<T>(string expression, CancellationToken cancellationToken = default) =>
        (await EvaluateAsync(expression, cancellationToken)).Deserialize<T>(BrowserDriver.Json);

    /// <summary>
    /// Runs axe-core (from the repository's node_modules) over the page and returns its violations.
    /// All of axe's default rules run unless <paramref name="tags"/> narrows them (e.g. "wcag2aa").
    /// </summary>
    public async Task<IReadOnlyList<AxeViolation>> AxeAsync(IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        var result = await SendAsync("axe", new() { ["tags"] = tags?.ToArray() }, cancellationToken);
        return result.Deserialize<List<AxeViolation>>(BrowserDriver.Json) ?? [];
    }

    /// <summary>Saves a PNG of the page (whole page unless <paramref name="fullPage"/> is false); returns its full path.</summary>
    public async Task<string> ScreenshotAsync(string path, bool fullPage = true, CancellationToken cancellationToken = default) =>
        (await SendAsync("screenshot", new() { ["path"] = path, ["fullPage"] = fullPage }, cancellationToken)).GetString() ?? path;

    /// <summary>Clicks something that starts a download and returns the saved file.</summary>
    public Task<BrowserDownload> DownloadByClickAsync(Target target, string? saveAs = null, CancellationToken cancellationToken = default) =>
        DownloadAsync(With(target, ("saveAs", saveAs)), cancellationToken);

    /// <summary>Opens a URL that answers with a download (Content-Disposition: attachment) and returns the saved file.</summary>
    public Task<BrowserDownload> DownloadByGotoAsync(string url, string? saveAs = null, CancellationToken cancellationToken = default) =>
        DownloadAsync(new() { ["url"] = url, ["saveAs"] = saveAs }, cancellationToken);

    /// <summary>Errors the page logged to its console or threw since it opened (or since the last clear).</summary>
    public async Task<IReadOnlyList<string>> ProblemsAsync(bool clear = false, CancellationToken cancellationToken = default) =>
        (await SendAsync("problems", new() { ["clear"] = clear }, cancellationToken)).Deserialize<List<string>>(BrowserDriver.Json) ?? [];

    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        await SendAsync("closePage", [], cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (BrowserDriverException)
        {
            // The browser is already gone; nothing left to close.
        }
        catch (ObjectDisposedException)
        {
            // The driver was disposed first, which closed every page.
        }
    }

    private async Task<BrowserDownload> DownloadAsync(Dictionary<string, object?> args, CancellationToken cancellationToken) =>
        (await SendAsync("download", args, cancellationToken)).Deserialize<BrowserDownload>(BrowserDriver.Json)
        ?? throw new BrowserDriverException("download answered without a file");

    private Task<JsonElement> SendAsync(string command, Dictionary<string, object?> args, CancellationToken cancellationToken)
    {
        args["pageId"] = Id;
        return _driver.SendAsync(command, args, cancellationToken: cancellationToken);
    }

    private static Dictionary<string, object?> With(Target target, params (string Name, object? Value)[] extra)
    {
        var args = new Dictionary<string, object?>();
        target.AddTo(args);
        foreach (var (name, value) in extra)
        {
            args[name] = value;
        }

        return args;
    }

    private static double? Milliseconds(TimeSpan? timeout) => timeout?.TotalMilliseconds;
}
