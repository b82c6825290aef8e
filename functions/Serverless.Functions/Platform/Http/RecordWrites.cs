using Azure;
using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Platform.Http;

/// <summary>How the API names new records and guards writes to existing ones with their ETag.</summary>
public static class RecordWrites
{
    /// <summary>A well-formed ETag no row ever has: a write conditional on it is refused with 412.</summary>
    private static readonly ETag NoVersion = new("W/\"datetime'1970-01-01T00%3A00%3A00.0000000Z'\"");

    /// <summary>The id of a record the caller did not name: 12 random hex digits.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// The ETag to write under: the one just read when the caller sent none (or "*") or sent that
    /// same one; otherwise the caller's version is stale or not an ETag at all, and the write is
    /// made conditional on a version no row has, so storage refuses it as changed (never a 500
    /// for a mistyped header). Every write is conditional either way.
    /// </summary>
    public static ETag IfMatchOr(this HttpContext context, ETag current) =>
        context.Request.Headers.IfMatch.FirstOrDefault() is { Length: > 0 } sent && sent != "*" && sent != current.ToString() ? NoVersion : current;

    public static void SetETag(this HttpContext context, ETag etag) => context.Response.Headers.ETag = etag.ToString();

    /// <summary>The 412 answer to a write that lost to a change made since the caller read the record.</summary>
    public static ProblemHttpResult Changed(HttpContext context) =>
        CodedProblem.Create(context, StatusCodes.Status412PreconditionFailed, "changed", "The record changed since you read it; reload and try again.");
}
