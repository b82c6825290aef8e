using System.Text;
using System.Text.Json;

namespace Serverless.Functions.Platform.Configuration;

/// <summary>
/// The app's own runtime settings (task hub name, concurrency limits) live in the "app" section of
/// the Functions host.json, so one file describes the deployment. The section is re-rooted so its
/// keys read like any other configuration ("Durable:TaskHubName"); app settings and environment
/// variables added afterwards still override it.
/// </summary>
public static class HostJsonConfiguration
{
    public const string SectionName = "app";

    public static IConfigurationBuilder AddHostJsonAppSection(this IConfigurationBuilder builder, string? path = null)
    {
        path ??= Locate();
        if (path is null || !File.Exists(path))
        {
            return builder;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.TryGetProperty(SectionName, out var section))
        {
            return builder;
        }

        return builder.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(section.GetRawText())));
    }

    // Published: host.json sits beside the app. From source: at the repository root.
    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "host.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
