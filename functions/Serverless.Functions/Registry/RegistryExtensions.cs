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

    /// <summary>The ETag the caller sent in If-Match, else the one just read: every write is conditional either way.</summary>
    internal static ETag IfMatchOr(this HttpContext context, ETag current) =>
        context.Request.Headers.IfMatch.FirstOrDefault() is { Length: > 0 } sent && sent != "*" ? new ETag(sent) : current;

    internal static void SetETag(this HttpContext context, ETag etag) => context.Response.Headers.ETag = etag.ToString();
}
