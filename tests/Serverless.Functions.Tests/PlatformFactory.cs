using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Functions.Tests;

/// <summary>The app in memory, with its settings replaced by the test's.</summary>
public sealed class PlatformFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    public static PlatformFactory ForStorage(string connectionString, int smtpPort = 1, bool pollers = true) => new(new Dictionary<string, string?>
    {
        ["Storage:ConnectionString"] = connectionString,
        ["Email:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:EnablePollers"] = pollers ? "true" : "false",
        ["Web:Root"] = Path.Combine(Path.GetTempPath(), "no-portal-here"),
    });
}
