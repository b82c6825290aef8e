using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Durable;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Operations;

/// <summary>
/// Operations on the durable runtime's instances, for the workflow monitor: query, read with
/// history, raise an event, terminate, suspend, resume, purge.
/// </summary>
public static class OrchestrationsAdminApi
{
    public static IEndpointRouteBuilder MapOrchestrationsAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/orchestrations")
            .WithTags("Workflow monitor")
            .RequireAuthorization(Policies.Admin);

        api.MapGet("/", QueryAsync).WithName("QueryOrchestrations")
            .WithSummary("List workflows");
        api.MapGet("/{instanceId}", GetAsync).WithName("GetOrchestration")
            .WithSummary("Get a workflow with its history")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{instanceId}/events/{eventName}", RaiseEventAsync).WithName("RaiseOrchestrationEvent")
            .WithSummary("Send an event to a workflow")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{instanceId}/terminate", TerminateAsync).WithName("TerminateOrchestration")
            .WithSummary("Terminate a workflow")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{instanceId}/suspend", SuspendAsync).WithName("SuspendOrchestration")
            .WithSummary("Suspend a workflow")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{instanceId}/resume", ResumeAsync).WithName("ResumeOrchestration")
            .WithSummary("Resume a suspended workflow")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{instanceId}", PurgeAsync).WithName("PurgeOrchestration")
            .WithSummary("Purge a finished workflow's history")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/purge", PurgeManyAsync).WithName("PurgeOrchestrations")
            .WithSummary("Purge finished workflows' history");
        return app;
    }

    public sealed record InstanceSummary(
        string InstanceId,
        string Name,
        string Status,
        string Version,
        DateTimeOffset CreatedAt,
        DateTimeOffset LastUpdatedAt,
        JsonElement? CustomStatus,
        string? FailureMessage);

    public sealed record InstancePage(IReadOnlyList<InstanceSummary> Items, string? ContinuationToken);

    public sealed record InstanceDetail(
        InstanceSummary Instance,
        JsonElement? Input,
        JsonElement? Output,
        IReadOnlyList<OrchestrationHistoryEvent> History);

    public sealed record ReasonRequest(string? Reason);

    public sealed record PurgeRequest(string[]? Statuses, DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo);

    public sealed record PurgeResponse(int Purged);

    public static async Task<Results<Ok<InstancePage>, ValidationProblem>> QueryAsync(
        DurableTaskClient client,
        string? status,
        string? name,
        DateTimeOffset? createdFrom,
        DateTimeOffset? createdTo,
        int? pageSize,
        string? continuationToken,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var statuses = ParseStatuses(status?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "status", errors);
        if (pageSize is < 1 or > 500)
        {
            errors["pageSize"] = ["pageSize must be between 1 and 500."];
        }

        if (createdFrom > createdTo)
        {
            errors["createdFrom"] = ["createdFrom must not be after createdTo."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var page = await client.QueryInstancesAsync(new OrchestrationQuery
        {
            Statuses = statuses,
            Name = string.IsNullOrWhiteSpace(name) ? null : name.Trim(),
            CreatedFrom = createdFrom,
            CreatedTo = createdTo,
            PageSize = pageSize ?? 50,
            ContinuationToken = string.IsNullOrEmpty(continuationToken) ? null : continuationToken,
        }, cancellationToken);
        return TypedResults.Ok(new InstancePage(page.Items.Select(ToSummary).ToList(), page.ContinuationToken));
    }

    public static async Task<Results<Ok<InstanceDetail>, ProblemHttpResult>> GetAsync(
        DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (instance is null)
        {
            return NotFound(instanceId);
        }

        var history = await client.GetHistoryAsync(instanceId, cancellationToken);
        return TypedResults.Ok(new InstanceDetail(ToSummary(instance), Json(instance.SerializedInput), Json(instance.SerializedOutput), history));
    }

    public static async Task<Results<Accepted, ProblemHttpResult, ValidationProblem>> RaiseEventAsync(
        DurableTaskClient client, string instanceId, string eventName, HttpRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(eventName) || eventName.Length > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["eventName"] = ["The event name must be 1-100 characters."] });
        }

        JsonElement? payload = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                payload = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The event data is not valid JSON: " + ex.Message] });
            }
        }

        try
        {
            await client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
        }
        catch (OrchestrationNotFoundException)
        {
            return NotFound(instanceId);
        }
        catch (DurableValidationException ex)
        {
            // The engine's own limits (the payload cap, the instance id): the caller's 400, not a 500.
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ex.ParamName is "eventPayload" or "reason" or "output" ? "body" : "instanceId"] = [ex.Message] });
        }

        return TypedResults.Accepted((string?)null);
    }

    public static Task<Results<Accepted, ProblemHttpResult, ValidationProblem>> TerminateAsync(
        DurableTaskClient client, string instanceId, ReasonRequest? body, CancellationToken cancellationToken) =>
        ActAsync(instanceId, body, () => client.TerminateInstanceAsync(instanceId, Reason(body), cancellationToken));

    public static Task<Results<Accepted, ProblemHttpResult, ValidationProblem>> SuspendAsync(
        DurableTaskClient client, string instanceId, ReasonRequest? body, CancellationToken cancellationToken) =>
        ActAsync(instanceId, body, () => client.SuspendInstanceAsync(instanceId, Reason(body), cancellationToken));

    public static Task<Results<Accepted, ProblemHttpResult, ValidationProblem>> ResumeAsync(
        DurableTaskClient client, string instanceId, ReasonRequest? body, CancellationToken cancellationToken) =>
        ActAsync(instanceId, body, () => client.ResumeInstanceAsync(instanceId, Reason(body), cancellationToken));

    public static async Task<Results<Ok<PurgeResponse>, ProblemHttpResult>> PurgeAsync(
        DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var result = await client.PurgeInstanceAsync(instanceId, cancellationToken);
        return result.PurgedInstanceCount == 0 ? NotFound(instanceId) : TypedResults.Ok(new PurgeResponse(result.PurgedInstanceCount));
    }

    public static async Task<Results<Ok<PurgeResponse>, ValidationProblem>> PurgeManyAsync(
        DurableTaskClient client, PurgeRequest body, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var statuses = ParseStatuses(body.Statuses, "statuses", errors);
        if (statuses is null || statuses.Count == 0)
        {
            errors.TryAdd("statuses", ["Name at least one status to purge (Completed, Failed, Terminated)."]);
        }
        else if (statuses.Any(s => s is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended))
        {
            errors["statuses"] = ["Only finished instances (Completed, Failed, Terminated) can be purged in bulk."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter
        {
            Statuses = statuses,
            CreatedFrom = body.CreatedFrom,
            CreatedTo = body.CreatedTo,
        }, cancellationToken);
        return TypedResults.Ok(new PurgeResponse(result.PurgedInstanceCount));
    }

    private static async Task<Results<Accepted, ProblemHttpResult, ValidationProblem>> ActAsync(
        string instanceId, ReasonRequest? body, Func<Task> action)
    {
        if (body?.Reason is { Length: > 1000 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["The reason must be at most 1000 characters."] });
        }

        try
        {
            await action();
        }
        catch (OrchestrationNotFoundException)
        {
            return NotFound(instanceId);
        }
        catch (DurableValidationException ex)
        {
            // The engine's own limits (the payload cap, the instance id): the caller's 400, not a 500.
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ex.ParamName is "eventPayload" or "reason" or "output" ? "body" : "instanceId"] = [ex.Message] });
        }

        return TypedResults.Accepted((string?)null);
    }

    private static string? Reason(ReasonRequest? body) => string.IsNullOrWhiteSpace(body?.Reason) ? null : body.Reason.Trim();

    private static List<OrchestrationRuntimeStatus>? ParseStatuses(IEnumerable<string>? values, string field, Dictionary<string, string[]> errors)
    {
        if (values is null)
        {
            return null;
        }

        var parsed = new List<OrchestrationRuntimeStatus>();
        foreach (var value in values)
        {
            if (Enum.TryParse<OrchestrationRuntimeStatus>(value, ignoreCase: true, out var status) && Enum.IsDefined(status))
            {
                parsed.Add(status);
            }
            else
            {
                errors[field] = [$"'{value}' is not a status. Use one of: {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}."];
            }
        }

        return parsed;
    }

    private static InstanceSummary ToSummary(OrchestrationMetadata m) => new(
        m.InstanceId,
        m.Name,
        m.RuntimeStatus.ToString(),
        m.Version,
        m.CreatedAt,
        m.LastUpdatedAt,
        Json(m.SerializedCustomStatus),
        m.FailureDetails?.ErrorMessage);

    private static JsonElement? Json(string? serialized)
    {
        if (string.IsNullOrEmpty(serialized))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(serialized).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(serialized);
        }
    }

    private static ProblemHttpResult NotFound(string instanceId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "No such orchestration instance.",
        detail: $"No instance '{instanceId}' exists (it may have been purged).");
}
