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

        // The build's own files (dist/.vite/manifest.json, which names every source file) are for
        // the bundle-size check, not for readers.
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/.vite"))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });

        if (!app.Environment.IsDevelopment())
        {
            // Source maps show the portal's source; only a developer's machine serves them.
            app.Use((context, next) =>
            {
                if (context.Request.Path.Value?.EndsWith(".map", StringComparison.OrdinalIgnoreCase) == true)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });

        // Client routes get index.html. Not a fallback endpoint: that would also match /api paths,
        // and routing would pick it over its own 405 and 415 answers (a JSON post to a CSV route
        // got the portal). A request no endpoint matched reaches this; /api and /openapi paths go
        // on to the status-code pages, which answer ProblemDetails.
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (context.GetEndpoint() is not null
                || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                || path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi")
                || Path.HasExtension(path.Value))
            {
                await next(context);
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
