namespace Serverless.Functions.Registry;

public static class RegistryExtensions
{
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PeopleStore>();
        builder.Services.AddSingleton<PeopleRegistrar>();
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
}
