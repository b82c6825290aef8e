using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Testing;

namespace Serverless.Browser.Tests.Browser;

/// <summary>
/// Drives headless Chromium through <c>tests/Serverless.Browser.Tests/driver/driver.mjs</c>, a
/// small Node script over playwright-core from the repository's node_modules. Commands go to the
/// script as JSON lines on stdin and answers come back on stdout, matched by id, so several pages
/// can work at once. Disposing closes the browser and kills the process tree.
/// </summary>
/// <example>
/// <code>
/// await using var browser = await BrowserDriver.LaunchAsync();
/// var page = await browser.NewPageAsync("ar");
/// await page.GotoAsync(url);
/// var heading = await page.TextAsync("h1");
/// var violations = await page.AxeAsync();
/// </code>
/// </example>
public sealed class BrowserDriver : IAsyncDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Process _process;
    private readonly TimeSpan _commandTimeout;
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly StringBuilder _errorOutput = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readLoop;
    private long _nextId;
    private int _disposed;

    private BrowserDriver(Process process, TimeSpan commandTimeout)
    {
        _process = process;
        _commandTimeout = commandTimeout;
        _process.ErrorDataReceived += (_, e) => AppendError(e.Data);
        _process.BeginErrorReadLine();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The driver script, found from the repository root at run time (never copied to bin).</summary>
    public static string DriverScript =>
        Path.Combine(RepositoryPaths.Root, "tests", "Serverless.Browser.Tests", "driver", "driver.mjs");

    /// <summary>Chromium's version, as the running browser reports it.</summary>
    public string BrowserVersion { get; private set; } = "";

    /// <summary>What the driver wrote to stderr (bounded), for diagnosing failures.</summary>
    public string ErrorOutput
    {
        get
        {
            lock (_errorOutput)
            {
                return _errorOutput.ToString();
            }
        }
    }

    /// <summary>Starts node with the driver script and waits until Chromium is up.</summary>
    /// <exception cref="BrowserUnavailableException">Chromium, node or playwright-core is missing.</exception>
    public static async Task<BrowserDriver> LaunchAsync(BrowserDriverOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new BrowserDriverOptions();
        var script = DriverScript;
        if (!File.Exists(script))
        {
            throw new BrowserUnavailableException($"The browser driver script {script} is missing.");
        }

        var playwright = Path.Combine(RepositoryPaths.NodeModules, "playwright-core");
        if (!Directory.Exists(playwright))
        {
            throw new BrowserUnavailableException(
                $"playwright-core is not installed at {playwright}: run 'npm ci' in {RepositoryPaths.Root} first.");
        }

        var info = new ProcessStartInfo(options.NodePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(script);
        if (options.ExecutablePath is not null)
        {
            info.Environment["BROWSER_EXECUTABLE"] = options.ExecutablePath;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new BrowserUnavailableException("node did not start.");
        }
        catch (Win32Exception e)
        {
            throw new BrowserUnavailableException($"'{options.NodePath}' could not be started: is Node.js installed and on PATH?", e);
        }

        var driver = new BrowserDriver(process, options.CommandTimeout);
        try
        {
            driver.BrowserVersion = await driver._ready.Task.WaitAsync(options.StartTimeout, cancellationToken);
            return driver;
        }
        catch (TimeoutException e)
        {
            await driver.DisposeAsync();
            throw new BrowserUnavailableException(
                $"Chromium did not start within {options.StartTimeout.TotalSeconds:0} s. Driver output: {driver.ErrorOutput}", e);
        }
        catch
        {
            await driver.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a page in a fresh browser context (own cookies and storage).</summary>
    /// <param name="locale">The browser's language, e.g. "ar" or "pl-PL" (navigator.language and Accept-Language).</param>
    /// <param name="viewportWidth">Viewport width in CSS pixels.</param>
    /// <param name="viewportHeight">Viewport height in CSS pixels.</param>
    /// <param name="timeZone">An IANA time zone such as "Europe/Warsaw"; the machine's when null.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    public async Task<BrowserPage> NewPageAsync(
        string? locale = null,
        int viewportWidth = 1280,
        int viewportHeight = 800,
        string? timeZone = null,
        CancellationToken cancellationToken = default)
    {
        var result = await SendAsync(
            "newPage",
            new Dictionary<string, object?>
            {
                ["locale"] = locale,
                ["timezoneId"] = timeZone,
                ["viewport"] = new { width = viewportWidth, height = viewportHeight },
            },
            cancellationToken: cancellationToken);
        var id = result.GetProperty("pageId").GetString() ?? throw new BrowserDriverException("newPage answered without a page id");
        return new BrowserPage(this, id);
    }

    /// <summary>Sends one command and returns its result; a failed command throws <see cref="BrowserDriverException"/>.</summary>
    public async Task<JsonElement> SendAsync(
        string command,
        IDictionary<string, object?>? args = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_process.HasExited)
        {
            throw new BrowserDriverException($"The browser driver has exited ({_process.ExitCode}). {ErrorOutput}");
        }

        var id = Interlocked.Increment(ref _nextId);
        var pending = new Pending(command, new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[id] = pending;
        var line = JsonSerializer.Serialize(
            new Request(id, command, args?.Where(a => a.Value is not null).ToDictionary() ?? []),
            Json);
        try
        {
            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                await _process.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken);
                await _process.StandardInput.FlushAsync(cancellationToken);
            }
            finally
            {
                _writeLock.Release();
            }

            return await pending.Answer.Task.WaitAsync(timeout ?? _commandTimeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new BrowserDriverException($"'{command}' got no answer within {(timeout ?? _commandTimeout).TotalSeconds:0} s.", e);
        }
        catch (IOException e)
        {
            throw new BrowserDriverException($"The browser driver is gone: {ErrorOutput}", e);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Closes the browser politely, then makes sure no process of the tree survives.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                try
                {
                    await _writeLock.WaitAsync(TimeSpan.FromSeconds(5));
                    _process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The driver is already gone.
                }

                using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(graceful.Token);
                }
                catch (OperationCanceledException)
                {
                    // Did not finish closing in time; killed below.
                }
            }

            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        await _readLoop.ConfigureAwait(false);
        _process.Dispose();
        _writeLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                Dispatch(line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The stream closed under us: handled as the end of output below.
        }

        // stdout closed: the driver has ended. Fail whoever is still waiting, with what it said.
        var reason = $"The browser driver exited. {ErrorOutput}".Trim();
        _ready.TrySetException(new BrowserUnavailableException(reason));
        foreach (var (id, pending) in _pending)
        {
            pending.Answer.TrySetException(new BrowserDriverException($"'{pending.Command}': {reason}"));
            _pending.TryRemove(id, out _);
        }
    }

    private void Dispatch(string line)
    {
        JsonElement message;
        try
        {
            using var document = JsonDocument.Parse(line);
            message = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            AppendError("unexpected output: " + line);
            return;
        }

        if (message.TryGetProperty("event", out var ev))
        {
            if (ev.GetString() == "ready")
            {
                _ready.TrySetResult(message.TryGetProperty("version", out var v) ? v.GetString() ?? "" : "");
            }
            else
            {
                _ready.TrySetException(new BrowserUnavailableException(
                    message.TryGetProperty("error", out var startError) ? startError.GetString() ?? line : line));
            }

            return;
        }

        if (!message.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number
            || !_pending.TryGetValue(idElement.GetInt64(), out var pending))
        {
            AppendError("unmatched answer: " + line);
            return;
        }

        if (message.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
        {
            pending.Answer.TrySetResult(message.TryGetProperty("result", out var result) ? result : default);
        }
        else
        {
            var error = message.TryGetProperty("error", out var e) ? e.GetString() : null;
            pending.Answer.TrySetException(new BrowserDriverException($"'{pending.Command}' failed: {error ?? line}"));
        }
    }

    private void AppendError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_errorOutput)
        {
            if (_errorOutput.Length < 32_000)
            {
                _errorOutput.AppendLine(line);
            }
        }
    }

    private sealed record Request(long Id, string Cmd, Dictionary<string, object?> Args);

    private sealed record Pending(string Command, TaskCompletionSource<JsonElement> Answer);
}

/// <summary>How to start the browser driver.</summary>
public sealed record BrowserDriverOptions
{
    /// <summary>The node executable; "node" from PATH by default.</summary>
    public string NodePath { get; init; } = "node";

    /// <summary>Chromium to launch; the driver's default (/usr/bin/chromium) when null.</summary>
    public string? ExecutablePath { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the client waits for any one answer (the driver's own waits are shorter).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(90);
}
