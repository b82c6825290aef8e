using System.Text.Json;
using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Platform.Functions;

/// <summary>
/// Functions mode (docs/design.md §2): the Functions host delivers queue messages and timer ticks to these
/// endpoints in the custom-handler request format. They call the same handlers that the app's own
/// pollers call in standalone mode. Only the host, on the same machine, may call them.
/// </summary>
public static class CustomHandlerApi
{
    public static IEndpointRouteBuilder MapCustomHandlerApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/").ExcludeFromDescription().AddEndpointFilter(LoopbackOnly);
        group.MapPost("/email-outbox", EmailOutboxAsync);
        group.MapPost("/sweeper", SweepAsync);
        return app;
    }

    /// <summary>The custom handler invocation request: trigger data by binding name, and metadata.</summary>
    public sealed record InvocationRequest(Dictionary<string, JsonElement>? Data, Dictionary<string, JsonElement>? Metadata);

    /// <summary>The custom handler invocation response.</summary>
    public sealed record InvocationResponse(Dictionary<string, object?> Outputs, IReadOnlyList<string> Logs, object? ReturnValue);

    public static async Task<IResult> EmailOutboxAsync(InvocationRequest request, EmailDispatcher dispatcher, CancellationToken cancellationToken)
    {
        if (QueueMessageText(request) is not { } keyHash)
        {
            return TypedResults.Problem(title: "The invocation has no queue message.", statusCode: StatusCodes.Status400BadRequest);
        }

        var outcome = await dispatcher.DispatchAsync(keyHash, cancellationToken);
        return Ok($"email {outcome}");
    }

    public static async Task<IResult> SweepAsync(EmailDispatcher dispatcher, IEnumerable<IMaintenanceSweep> sweeps, ILogger<MaintenanceSweepService> logger, CancellationToken cancellationToken)
    {
        var delivered = await dispatcher.SweepAsync(cancellationToken);
        var repaired = await MaintenanceSweepService.RunAllAsync(sweeps, logger, cancellationToken);
        return Ok($"swept: {delivered} emails delivered, {repaired} items repaired");
    }

    /// <summary>The queue trigger's message text: the host passes it as a JSON string, or as parsed JSON.</summary>
    public static string? QueueMessageText(InvocationRequest request)
    {
        if (request.Data is not { Count: > 0 } data)
        {
            return null;
        }

        var value = data.Values.First();
        return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
    }

    private static IResult Ok(string log) => TypedResults.Ok(new InvocationResponse([], [log], null));

    private static async ValueTask<object?> LoopbackOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var remote = context.HttpContext.Connection.RemoteIpAddress;
        // The test server has no remote address; Kestrel on the host's loopback port always has one.
        if (remote is not null && !System.Net.IPAddress.IsLoopback(remote))
        {
            return TypedResults.Problem(title: "Invocation endpoints answer only the Functions host.", statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }
}
