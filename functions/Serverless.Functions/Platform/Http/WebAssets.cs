using Microsoft.Extensions.FileProviders;

namespace Serverless.Functions.Platform.Http;

/// <summary>
/// Serves the built portal (web/dist) at / with client routes falling back to index.html.
/// In Azure the Static Web App serves the portal; there the folder is absent and only /api runs.
/// </summary>
public static class WebAssets
{
    public static WebApplication UseWebAssets(this WebApplication app)
    {
        var root = app.Configuration["Web:Root"] ?? Locate();
        if (root is null || !File.Exists(Path.Combine(root, "index.html")))
        {
            app.Logger.LogInformation("No built portal found (web/dist); serving the API only");
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapFallback(async context =>
        {
            // Unknown API paths are 404 problems, not the portal.
            if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/openapi"))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.SendFileAsync(files.GetFileInfo("index.html"));
        });
        return app;
    }

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "web", "dist");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }

            if (File.Exists(Path.Combine(dir.FullName, "wwwroot", "index.html")))
            {
                return Path.Combine(dir.FullName, "wwwroot");
            }
        }

        return null;
    }
}
