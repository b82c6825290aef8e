using Azure;

namespace Serverless.Functions.Registry;

public static class RegistryExtensions
{
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PeopleStore>();
        builder.Services.AddSingleton<OrganisationStore>();
        builder.Services.AddSingleton<ImportBatches>();
        builder.Services.AddSingleton<NewsletterStore>();
        return builder;
    }

    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        app.MapOrganisationsApi();
        app.MapPeopleApi();
        app.MapPeopleImportApi();
        app.MapNewsletterApi();
        return app;
    }

    /// <summary>A well-formed ETag no row ever has: a write conditional on it is refused with 412.</summary>
    private static readonly ETag NoVersion = new("W/\"datetime'1970-01-01T00%3A00%3A00.0000000Z'\"");

    /// <summary>
    /// The ETag to write under: the one just read when the caller sent none (or "*") or sent that
    /// same one; otherwise the caller's version is stale or not an ETag at all, and the write is
    /// made conditional on a version no row has, so storage refuses it as changed (never a 500
    /// for a mistyped header). Every write is conditional either way.
    /// </summary>
    internal static ETag IfMatchOr(this HttpContext context, ETag current) =>
        context.Request.Headers.IfMatch.FirstOrDefault() is { Length: > 0 } sent && sent != "*" && sent != current.ToString() ? NoVersion : current;

    internal static void SetETag(this HttpContext context, ETag etag) => context.Response.Headers.ETag = etag.ToString();
}
