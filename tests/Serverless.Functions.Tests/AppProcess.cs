using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.Platform.Security;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

/// <summary>
/// The app as a separate OS process (<c>dotnet Serverless.Functions.dll</c> from this test's build
/// output, which holds the app's runtimeconfig, deps, appsettings and host.json), on a free
/// loopback port, with the test's settings as environment variables. <see cref="Kill"/> ends it
/// with SIGKILL: no shutdown code of the app runs.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private AppProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public int Id => _process.Id;

    /// <summary>Everything the process wrote, one log line each (the console logger's single-line format).</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Starts the app and waits until /api/health answers 200 (storage reachable, orchestration engine running).</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        var port = NodeProcess.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var directory = AppContext.BaseDirectory;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(directory, "Serverless.Functions.dll"));
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["ASPNETCORE_URLS"] = baseUrl;
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var app = new AppProcess(process, baseUrl);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Wait.UntilAsync(() => HealthyAsync(http, app), "the app to answer /api/health with 200", timeout, TimeSpan.FromMilliseconds(200), () => app.Tail(40));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> HealthyAsync(HttpClient http, AppProcess app)
    {
        if (app._process.HasExited)
        {
            throw new InvalidOperationException($"The app exited with {app._process.ExitCode}: {app.Tail(40)}");
        }

        try
        {
            using var health = await http.GetAsync("/api/health");
            return health.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
            return false;
        }
        catch (TaskCanceledException)
        {
            // Starting slowly.
            return false;
        }
    }

    /// <summary>SIGKILL to the process and its children; returns once it is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// A browser-like client of this process, signed in as <paramref name="email"/> through the inbox
    /// (the sign-in link emailed to it); the session cookie lands in <paramref name="cookies"/>.
    /// </summary>
    public async Task<HttpClient> SignInAsync(MailDevFixture mail, string email, CookieContainer cookies, TimeSpan timeout)
    {
        var client = await ClientAsync(cookies);
        var before = (await mail.GetMessagesToAsync(email)).Count;
        using var asked = await client.PostAsJsonAsync("/api/auth/sign-in", new { email, language = "en" });
        asked.EnsureSuccessStatusCode();
        var messages = await mail.WaitForMessagesToAsync(email, before + 1, timeout);
        if (messages.Count <= before)
        {
            throw new TimeoutException($"No sign-in email reached {email} within {timeout}.");
        }

        var token = Identity.PortalTestHost.TokenFrom(messages[^1].GetProperty("text").GetString()!);
        using var completed = await client.PostAsJsonAsync("/api/auth/complete", new { token });
        completed.EnsureSuccessStatusCode();
        await RefreshAntiforgeryAsync(client);
        return client;
    }

    /// <summary>A browser-like client of this process with these cookies (a session from another process of the same build works here too), with the antiforgery header set.</summary>
    public async Task<HttpClient> ClientAsync(CookieContainer cookies)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(BaseUrl) };
        await RefreshAntiforgeryAsync(client);
        return client;
    }

    public string Tail(int count) => string.Join('\n', _lines.TakeLast(count));

    public ValueTask DisposeAsync() => _process.StopAsync();

    private static async Task RefreshAntiforgeryAsync(HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonElement>("/api/auth/antiforgery");
        client.DefaultRequestHeaders.Remove(AntiforgeryValidationMiddleware.HeaderName);
        client.DefaultRequestHeaders.Add(AntiforgeryValidationMiddleware.HeaderName, body.GetProperty("token").GetString());
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
