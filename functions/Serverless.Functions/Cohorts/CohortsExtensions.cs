namespace Serverless.Functions.Cohorts;

/// <summary>The cohorts track: its services, orchestrations and HTTP API.</summary>
public static class CohortsExtensions
{
    public static IHostApplicationBuilder AddCohorts(this IHostApplicationBuilder builder)
    {
        return builder;
    }

    public static IEndpointRouteBuilder MapCohortsApi(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
