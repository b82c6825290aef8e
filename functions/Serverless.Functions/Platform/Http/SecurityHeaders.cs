namespace Serverless.Functions.Platform.Http;

/// <summary>
/// Headers every response carries: no framing by any site, no MIME sniffing, no referrer (emailed
/// links carry tokens in their fragment and pages must not leak their address), and a
/// Content-Security-Policy. The portal loads only its own scripts, styles, images and API; the API
/// documentation page (Swagger UI) draws its icons from data: URIs and sets inline styles, so it has
/// a policy of its own.
/// </summary>
public static class SecurityHeaders
{
    public const string PortalPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string ApiDocsPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            // Set when the response starts, so that answers written by the exception handler (which
            // clears headers) and the status-code pages carry them too.
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/api/docs") ? ApiDocsPolicy : PortalPolicy;
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}
