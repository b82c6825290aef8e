using Microsoft.AspNetCore.HttpOverrides;

namespace Serverless.Functions.Platform.Http;

/// <summary>Cross-cutting HTTP concerns: ProblemDetails everywhere, OpenAPI, structured logs.</summary>
public static class PlatformExtensions
{
    public static IHostApplicationBuilder AddPlatform(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier));
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi(options => options.AddApiDocument().AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Innovation Network API";
            document.Info.Description = "The platform's HTTP API: sign-in and roles, the network registry, workshops, nominations, cohorts, audit and operations.";
            return Task.CompletedTask;
        }));
        // A burst of new connections (a campaign's invitees all opening their links at once) must
        // not overflow the listen queue: the default of 512 drops the rest, whose clients retry a
        // second later. The kernel caps it at net.core.somaxconn.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(o => o.Backlog = 4096);
        builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

        // One JSON object per log line in Azure (Application Insights and log queries read fields);
        // one readable line locally.
        builder.Logging.ClearProviders();
        if (string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        return builder;
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "Innovation Network API");
            o.RoutePrefix = "api/docs";
            o.DocumentTitle = "Innovation Network API";
        });
        return app;
    }
}
