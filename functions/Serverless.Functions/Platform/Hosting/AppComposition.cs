using Serverless.Functions.Audit;
using Serverless.Functions.Cohorts;
using Serverless.Functions.DemoData;
using Serverless.Functions.Health;
using Serverless.Functions.Identity;
using Serverless.Functions.Nominations;
using Serverless.Functions.Operations;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Http;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Platform.Telemetry;
using Serverless.Functions.Registry;
using Serverless.Functions.Workshops;

namespace Serverless.Functions.Platform.Hosting;

/// <summary>
/// What both hosts run (docs/design.md §2): the local ASP.NET Core app (Program.cs) and the Azure
/// Functions isolated worker (AzureHost/FunctionsApp.cs) add the same services, run the same middleware
/// and map the same endpoints from here, so a request is handled alike in both.
/// </summary>
public static class AppComposition
{
    /// <summary>Every feature's services. The orchestration engine is added by each host.</summary>
    public static IHostApplicationBuilder AddFeatures(this IHostApplicationBuilder builder)
    {
        builder.AddTelemetry();
        builder.AddPlatform();
        builder.AddStorage();
        builder.AddEmail();
        builder.AddMessageCatalogue();
        builder.AddAudit();
        builder.AddSecurity();
        builder.AddIdentity();
        builder.AddRegistry();
        builder.AddDemoData();
        builder.AddWorkshops();
        builder.AddNominations();
        builder.AddCohorts();
        return builder;
    }

    /// <summary>The middleware in front of every endpoint, in order.</summary>
    public static IApplicationBuilder UseApiMiddleware(this IApplicationBuilder app)
    {
        app.UsePlatform();
        app.UseSecurity();
        return app;
    }

    /// <summary>Every endpoint of the API and its OpenAPI document.</summary>
    public static IEndpointRouteBuilder MapApis(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi();
        endpoints.MapHealthApi();
        endpoints.MapAuthApi();
        endpoints.MapRegistryApi();
        endpoints.MapWorkshopsApi();
        endpoints.MapNominationsApi();
        endpoints.MapCohortsApi();
        endpoints.MapAuditApi();
        endpoints.MapOrchestrationsAdminApi();
        return endpoints;
    }
}
