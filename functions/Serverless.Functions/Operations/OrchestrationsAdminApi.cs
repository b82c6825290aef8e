using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Durable;
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

    /// <summary>One step of an instance's history, as the workflow monitor shows it.</summary>
    public sealed record OrchestrationHistoryEvent(string EventType, DateTimeOffset Timestamp, int? TaskId, string? Name, JsonElement? Data, string? FailureDetails);

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

        // The provider filters by status and creation time; a name filter is applied to each page
        // (the instances table has no name index), so a page may hold fewer than pageSize items.
        var nameFilter = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        var pages = client.GetAllInstancesAsync(new OrchestrationQuery
        {
            Statuses = statuses,
            CreatedFrom = createdFrom,
            CreatedTo = createdTo,
            PageSize = pageSize ?? 50,
            ContinuationToken = string.IsNullOrEmpty(continuationToken) ? null : continuationToken,
        }).AsPages(string.IsNullOrEmpty(continuationToken) ? null : continuationToken, pageSize ?? 50);
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            var items = page.Values
                .Where(m => nameFilter is null || m.Name.StartsWith(nameFilter, StringComparison.OrdinalIgnoreCase))
                .Select(ToSummary)
                .ToList();
            return TypedResults.Ok(new InstancePage(items, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken));
        }

        return TypedResults.Ok(new InstancePage([], null));
    }

    public static async Task<Results<Ok<InstanceDetail>, ProblemHttpResult>> GetAsync(
        DurableTaskClient client, IOrchestrationHistory engine, string instanceId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (instance is null)
        {
            return NotFound(instanceId);
        }

        var history = await engine.GetHistoryAsync(instanceId, cancellationToken);
        return TypedResults.Ok(new InstanceDetail(ToSummary(instance), Json(instance.SerializedInput), Json(instance.SerializedOutput), ToHistory(history)));
    }

    public static async Task<Results<Accepted, ProblemHttpResult, ValidationProblem>> RaiseEventAsync(
        DurableTaskClient client, IOptions<DurableOptions> options, string instanceId, string eventName, HttpRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(eventName) || eventName.Length > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["eventName"] = ["The event name must be 1-100 characters."] });
        }

        // Event data over what the engine takes is refused before anything is written: 400 naming the limit.
        var limit = options.Value.MaxPayloadBytes;
        var tooLarge = new Dictionary<string, string[]> { ["body"] = [$"The event data may be at most {limit} bytes."] };
        if (request.ContentLength > limit)
        {
            return TypedResults.ValidationProblem(tooLarge);
        }

        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is null)
        {
            return NotFound(instanceId);
        }

        JsonElement? payload = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            // A body without a length (chunked) is read up to the limit and refused past it.
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    return TypedResults.ValidationProblem(tooLarge);
                }
            }

            try
            {
                payload = JsonSerializer.Deserialize<JsonElement>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            }
            catch (JsonException ex)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The event data is not valid JSON: " + ex.Message] });
            }
        }

        await client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    public static Task<Results<Accepted, ProblemHttpResult, ValidationProblem>> TerminateAsync(
        DurableTaskClient client, string instanceId, ReasonRequest? body, CancellationToken cancellationToken) =>
        ActAsync(client, instanceId, body, () => client.TerminateInstanceAsync(instanceId, Reason(body), cancellationToken), cancellationToken);

    public static Task<Results<Accepted, ProblemHttpResult, ValidationProblem>> SuspendAsync(
        DurableTaskClient client, string instanceId, ReasonRequest? body, CancellationToken cancellationToken) =>
        ActAsync(client, instanceId, body, () => client.SuspendInstanceAsync(instanceId, Reason(body), cancellationToken), cancellationToken);

    public static Task<Results<Accepted, ProblemHttpResult, ValidationProblem>> ResumeAsync(
        DurableTaskClient client, string instanceId, ReasonRequest? body, CancellationToken cancellationToken) =>
        ActAsync(client, instanceId, body, () => client.ResumeInstanceAsync(instanceId, Reason(body), cancellationToken), cancellationToken);

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
        DurableTaskClient client, string instanceId, ReasonRequest? body, Func<Task> action, CancellationToken cancellationToken)
    {
        if (body?.Reason is { Length: > 1000 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["The reason must be at most 1000 characters."] });
        }

        // The provider accepts messages for instances it does not know and drops them later; answer 404 instead.
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is null)
        {
            return NotFound(instanceId);
        }

        await action();
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>The steps a person reads in the monitor; the engine's own bookkeeping (episode starts and ends) is left out.</summary>
    private static List<OrchestrationHistoryEvent> ToHistory(JsonElement? history)
    {
        if (history is not { ValueKind: JsonValueKind.Array } events)
        {
            return [];
        }

        var steps = new List<OrchestrationHistoryEvent>();
        foreach (var e in events.EnumerateArray())
        {
            // The provider writes the event type as the number of DurableTask.Core's EventType.
            var type = Number(e, "EventType") is { } code ? ((DurableTask.Core.History.EventType)code).ToString() : Text(e, "EventType") ?? "";
            if (type is "OrchestratorStarted" or "OrchestratorCompleted")
            {
                continue;
            }

            var taskId = Number(e, "TaskScheduledId") ?? Number(e, "TimerId") ?? Number(e, "EventId");
            var data = Text(e, "Input") ?? Text(e, "Result") ?? Text(e, "Reason") ?? (Text(e, "FireAt") is { } fireAt ? JsonSerializer.Serialize(fireAt) : null);
            var failure = e.TryGetProperty("FailureDetails", out var details) && details.ValueKind == JsonValueKind.Object ? Text(details, "ErrorMessage") : null;
            var timestamp = e.TryGetProperty("Timestamp", out var t) && t.TryGetDateTimeOffset(out var at) ? at : DateTimeOffset.MinValue;
            steps.Add(new OrchestrationHistoryEvent(type, timestamp, taskId is >= 0 ? taskId : null, Text(e, "Name"), Json(data), failure));
        }

        return steps;
    }

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Number(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

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
        "",
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
