using System.Globalization;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Audit;

/// <summary>
/// The audit log for admins. One record's history is one partition (newest first); searches
/// without a record scan the table with the filters, in storage order, paged by continuation.
/// </summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/audit").WithTags("Audit").RequireAuthorization(Policies.Admin);

        api.MapGet("/", SearchAsync).WithName("SearchAudit")
            .WithSummary("Search the audit log")
            .WithDescription("Audit entries filtered by record (type and id), actor and time, paged with a continuation token.");

        return app;
    }

    public sealed record AuditEntry(string RecordType, string RecordId, string Action, string Actor, string? ActorName, DateTimeOffset At, string? Before, string? After);

    public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? Continuation);

    public static async Task<Results<Ok<AuditPage>, ValidationProblem>> SearchAsync(
        TableAuditLog audit,
        string? recordType,
        string? recordId,
        string? actor,
        string? from,
        string? to,
        string? pageSize,
        string? continuation,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var fromTime = ParseTime(from, nameof(from), errors);
        var toTime = ParseTime(to, nameof(to), errors);
        var size = 50;
        if (pageSize is not null && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > 200))
        {
            errors[nameof(pageSize)] = ["pageSize must be a whole number from 1 to 200."];
        }

        if (recordId is not null && string.IsNullOrWhiteSpace(recordType))
        {
            errors[nameof(recordType)] = ["Give recordType with recordId (for example recordType=person)."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var filters = new List<string>();
        if (!string.IsNullOrWhiteSpace(recordType) && !string.IsNullOrWhiteSpace(recordId))
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {AuditEntity.PartitionFor(recordType, recordId)}"));
        }
        else if (!string.IsNullOrWhiteSpace(recordType))
        {
            var prefix = Uri.EscapeDataString(recordType);
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey ge {prefix + "|"} and PartitionKey lt {prefix + "}"}"));
        }

        if (!string.IsNullOrWhiteSpace(actor))
        {
            filters.Add(TableClient.CreateQueryFilter($"Actor eq {actor} or ActorName eq {actor}"));
        }

        if (fromTime is { } f)
        {
            filters.Add(TableClient.CreateQueryFilter($"At ge {f}"));
        }

        if (toTime is { } t)
        {
            filters.Add(TableClient.CreateQueryFilter($"At le {t}"));
        }

        var filter = filters.Count == 0 ? null : string.Join(" and ", filters.Select(x => "(" + x + ")"));
        var table = await audit.TableAsync(cancellationToken);
        try
        {
            await foreach (var page in table.QueryAsync<AuditEntity>(filter, maxPerPage: size, cancellationToken: cancellationToken).AsPages(string.IsNullOrEmpty(continuation) ? null : continuation, size))
            {
                return TypedResults.Ok(new AuditPage(page.Values.Select(ToContract).ToList(), page.ContinuationToken));
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == StatusCodes.Status400BadRequest && continuation is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(continuation)] = ["The continuation token is not valid; start the search again."] });
        }
        catch (ArgumentException) when (continuation is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(continuation)] = ["The continuation token is not valid; start the search again."] });
        }

        return TypedResults.Ok(new AuditPage([], null));
    }

    private static AuditEntry ToContract(AuditEntity e) => new(e.RecordType, e.RecordId, e.Action, e.Actor, e.ActorName, e.At, e.Before, e.After);

    private static DateTimeOffset? ParseTime(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }

        errors[field] = [$"{field} must be a date and time in ISO 8601, for example 2026-01-31T00:00:00Z."];
        return null;
    }
}
