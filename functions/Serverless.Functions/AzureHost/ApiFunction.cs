using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Platform.Hosting;

namespace Serverless.Functions.AzureHost;

/// <summary>
/// The one HTTP function: every request under /api goes through the app's own ASP.NET Core pipeline
/// (<see cref="ApiPipeline"/>), so authentication, antiforgery, rate limits, body rules and
/// ProblemDetails are those of the local app, and the route table is the same by construction.
/// </summary>
public sealed class ApiFunction(ApiPipeline pipeline, DurableClientAccessor clients)
{
    public const string Name = "api";

    /// <summary>Runs the pipeline, which writes the response; the empty result tells the worker it is written.</summary>
    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", "put", "patch", "delete", "options", Route = "{*path}")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
    {
        clients.Bind(client);
        await pipeline.InvokeAsync(request.HttpContext);
        return new EmptyResult();
    }
}

/// <summary>The app's middleware and endpoints (<see cref="AppComposition"/>) built once into one request delegate.</summary>
public sealed class ApiPipeline
{
    private readonly RequestDelegate _pipeline;

    public ApiPipeline(IServiceProvider services)
    {
        var app = new ApplicationBuilder(services);
        app.UseRouting();
        app.UseApiMiddleware();
        app.UseEndpoints(endpoints => endpoints.MapApis());
        _pipeline = app.Build();
    }

    public Task InvokeAsync(HttpContext context)
    {
        // The worker's own pipeline chose its function endpoint; the app's routing chooses again.
        context.SetEndpoint(null);
        return _pipeline(context);
    }
}
