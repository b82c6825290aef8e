using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Serverless.Functions.Platform.Http;

/// <summary>Cross-cutting HTTP concerns: ProblemDetails everywhere, OpenAPI, structured logs.</summary>
public static class PlatformExtensions
{
    public static IHostApplicationBuilder AddPlatform(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
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
        builder.Services.Configure<ForwardedHeadersOptions>(o => ConfigureForwardedHeaders(o, builder.Configuration));

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

    /// <summary>
    /// X-Forwarded-For and -Proto are believed only from the proxies named in ForwardedHeaders:KnownProxies
    /// (addresses) and ForwardedHeaders:KnownNetworks (CIDR ranges), none by default: otherwise any caller,
    /// loopback included, could claim a fresh address and with it a fresh rate-limit allowance. In Azure
    /// (ForwardedHeaders:TrustLoopback, set by the Functions entry point) the Functions host on loopback
    /// is the proxy that forwards every request to the worker.
    /// </summary>
    internal static void ConfigureForwardedHeaders(ForwardedHeadersOptions options, IConfiguration configuration)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The obsolete list still holds 127.0.0.0/8 by default and is still consulted.
        options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
        foreach (var proxy in configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
        {
            options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
        }

        foreach (var network in configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        if (configuration.GetValue<bool>("ForwardedHeaders:TrustLoopback"))
        {
            options.KnownProxies.Add(System.Net.IPAddress.Loopback);
            options.KnownProxies.Add(System.Net.IPAddress.IPv6Loopback);
        }
    }

    /// <summary>The first middleware of both hosts: headers, forwarded addresses, errors as ProblemDetails, the API explorer page.</summary>
    public static IApplicationBuilder UsePlatform(this IApplicationBuilder app)
    {
        app.UseSecurityHeaders();

        // With no proxy named the middleware would believe every caller, so it is left out.
        var forwarded = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        if (forwarded.KnownProxies.Count > 0 || forwarded.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "Innovation Network API");
            o.RoutePrefix = "api/docs";
            o.DocumentTitle = "Innovation Network API";
        });
        return app;
    }
}
