using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Platform;

/// <summary>The key ring that signs cookies is shared through storage; fetching a token leaves no warning in the log.</summary>
[Collection(StackCollection.Name)]
public sealed class DataProtectionKeysTests(StackFixture stack)
{
    [Fact]
    public async Task TwoInstances_OnTheSameStorage_AcceptEachOthersAntiforgeryTokensAndSessions()
    {
        await using var first = PortalTestHost.Create(stack);
        await using var second = PortalTestHost.Create(stack);
        var person = await first.SeedPersonAsync();
        var signInToken = await first.Services.GetRequiredService<ActionTokens>().IssueAsync("sign-in", person.Id, TimeSpan.FromMinutes(15), default);

        // One browser's cookie jar, its requests going to either instance, as behind a load balancer.
        var jar = new Dictionary<string, string>(StringComparer.Ordinal);
        using var toFirst = first.CreateClient(new() { HandleCookies = false });
        using var toSecond = second.CreateClient(new() { HandleCookies = false });
        var antiforgery = await TokenAsync(toFirst, jar);
        using var completed = await SendAsync(toSecond, jar, HttpMethod.Post, "/api/auth/complete", antiforgery, new { token = signInToken });
        antiforgery = await TokenAsync(toSecond, jar);
        using var me = await SendAsync(toFirst, jar, HttpMethod.Get, "/api/auth/me", null, null);
        using var language = await SendAsync(toFirst, jar, HttpMethod.Put, "/api/auth/me/language", antiforgery, new { language = "pl" });

        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(person.Email, (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.OK, language.StatusCode);
        var keys = XDocument.Parse((await Blob().DownloadContentAsync()).Value.Content.ToString());
        Assert.NotEmpty(keys.Root!.Elements("key"));
    }

    [Fact]
    public async Task AntiforgeryTokenFetch_OnAFreshKeyRing_LogsNoWarningAndIsNotCached()
    {
        // A fresh key ring: the first token makes a key, which is when the framework would warn too.
        await Blob().DeleteIfExistsAsync();
        var log = new CapturingLoggerProvider();
        await using var factory = PortalTestHost.Create(stack, services => services.AddSingleton<ILoggerProvider>(log));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/auth/antiforgery");
        using var again = await client.GetAsync("/api/auth/antiforgery");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Empty(log.Entries
            .Where(e => e.Level >= LogLevel.Warning && (e.Category.StartsWith("Microsoft.AspNetCore.Antiforgery", StringComparison.Ordinal) || e.Category.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal)
                || e.Message.Contains("Cache-Control", StringComparison.Ordinal) || e.Message.Contains("XML encryptor", StringComparison.Ordinal)))
            .Select(e => $"{e.Category}: {e.Message}"));
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("Data-protection keys are kept in blob", StringComparison.Ordinal));
        Assert.True((await Blob().ExistsAsync()).Value);
    }

    private BlobClient Blob() => new BlobServiceClient(stack.Storage.ConnectionString)
        .GetBlobContainerClient(DataProtectionKeys.Container).GetBlobClient(DataProtectionKeys.BlobName);

    private static async Task<string> TokenAsync(HttpClient client, Dictionary<string, string> jar)
    {
        using var response = await SendAsync(client, jar, HttpMethod.Get, "/api/auth/antiforgery", null, null);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Dictionary<string, string> jar, HttpMethod method, string path, string? antiforgery, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (jar.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
        }

        if (antiforgery is not null)
        {
            request.Headers.Add(AntiforgeryValidationMiddleware.HeaderName, antiforgery);
        }

        var response = await client.SendAsync(request);
        foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = cookie.Split(';')[0].Split('=', 2);
            jar[pair[0]] = pair[1];
        }

        return response;
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
