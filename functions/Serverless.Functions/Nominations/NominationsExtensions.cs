namespace Serverless.Functions.Nominations;

/// <summary>The nominations track: its services, orchestrations and HTTP API.</summary>
public static class NominationsExtensions
{
    public static IHostApplicationBuilder AddNominations(this IHostApplicationBuilder builder)
    {
        return builder;
    }

    public static IEndpointRouteBuilder MapNominationsApi(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
