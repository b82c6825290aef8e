using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Serverless.Functions.Health;

/// <summary>
/// GET /api/health: 200 with each storage service's state when all are reachable; otherwise 503,
/// a ProblemDetails naming what fails, with the same per-service list.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", GetHealthAsync)
            .WithName("GetHealth")
            .WithTags("Health")
            .WithSummary("Reports whether table, queue and blob storage are reachable.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public sealed record HealthCheckReport(string Name, string Status, string? Description);

    public sealed record HealthResponse(string Status, IReadOnlyList<HealthCheckReport> Checks);

    public static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> GetHealthAsync(HealthCheckService health, HttpContext context, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var checks = report.Entries
            .Select(e => new HealthCheckReport(e.Key, e.Value.Status.ToString(), e.Value.Description))
            .ToList();
        context.Response.Headers.CacheControl = "no-store";

        if (report.Status != HealthStatus.Unhealthy)
        {
            return TypedResults.Ok(new HealthResponse(report.Status.ToString(), checks));
        }

        var failing = checks.Where(c => c.Status == nameof(HealthStatus.Unhealthy)).ToList();
        return TypedResults.Problem(new ProblemDetails
        {
            Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            Title = (failing.Any(c => c.Name is "tables" or "queues" or "blobs") ? "Storage is unreachable: " : "Not working: ") + string.Join(", ", failing.Select(c => c.Name)),
            Status = StatusCodes.Status503ServiceUnavailable,
            Detail = string.Join(" ", failing.Select(c => c.Description)),
            Extensions = { ["health"] = nameof(HealthStatus.Unhealthy), ["checks"] = checks },
        });
    }
}
