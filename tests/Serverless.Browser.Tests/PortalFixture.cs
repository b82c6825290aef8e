using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Serverless.Browser.Tests.Browser;
using Serverless.Testing;

namespace Serverless.Browser.Tests;

/// <summary>
/// The whole platform for a browser: Azurite, the mail inbox, the app on a real loopback port
/// serving the built portal, and one headless Chromium.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    private PortalFactory? _factory;

    public AzuriteFixture Storage { get; } = new();

    public MailDevFixture Mail { get; } = new();

    public BrowserDriver Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Becomes an admin on the first sign-in (setting Auth:FirstAdminEmail).</summary>
    public string FirstAdminEmail { get; } = "portal-admin@browser.test";

    public IServiceProvider Services => _factory!.Services;

    public async Task InitializeAsync()
    {
        var webRoot = Path.Combine(RepositoryPaths.Root, "web", "dist");
        if (!File.Exists(Path.Combine(webRoot, "index.html")))
        {
            throw new InvalidOperationException($"The portal is not built: run 'npm run build' in {Path.Combine(RepositoryPaths.Root, "web")} (scripts/test.sh does).");
        }

        await Task.WhenAll(Storage.InitializeAsync(), Mail.InitializeAsync());
        // The port is chosen first so that emailed links point at this very server.
        var port = NodeProcess.FreePort();
        _factory = new PortalFactory(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = Storage.ConnectionString,
            ["Email:Smtp:Port"] = Mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Web:Root"] = webRoot,
            ["Auth:FirstAdminEmail"] = FirstAdminEmail,
            ["Auth:PublicBaseUrl"] = $"http://localhost:{port}",
            // Every test signs in through the inbox; the production limits would stop the run.
            ["RateLimits:PerAddressPermits"] = "1000",
            ["RateLimits:PerClientPermits"] = "10000",
        });
        _factory.UseKestrel(port);
        _factory.StartServer();
        BaseUrl = _factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        Browser = await BrowserDriver.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Mail.DisposeAsync();
        await Storage.DisposeAsync();
    }

    private sealed class PortalFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
