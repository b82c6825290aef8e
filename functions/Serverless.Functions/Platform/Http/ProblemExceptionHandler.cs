using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Platform.Http;

/// <summary>
/// Turns exceptions into ProblemDetails: unreadable request bodies are the caller's 400, an
/// unreachable storage a 503 with Retry-After and the code "storage_unavailable" (in the caller's
/// language), a misconfigured one a 503; anything else stays a logged 500 without details.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException and not StorageConfigurationException && IsStorageUnreachable(exception, context.RequestAborted))
        {
            // Storage (or its network) is down for a while: the caller may try again, nothing was decided.
            logger.LogWarning(exception, "Request {Method} {Path} answered 503: storage is unreachable", context.Request.Method, context.Request.Path);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var localizer = context.RequestServices.GetRequiredService<ILocalizer>();
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = localizer.Get(CodedProblem.LanguageOf(context), "problem." + StorageUnavailableCode),
                    Extensions = { ["code"] = StorageUnavailableCode, ["retryAfterSeconds"] = RetryAfterSeconds },
                },
            });
        }

        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "The request is not valid.", bad.InnerException?.Message ?? bad.Message),
            StorageConfigurationException config => (StatusCodes.Status503ServiceUnavailable, "Storage is not configured.", config.Message),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred.", (string?)null),
        };

        if (status >= 500)
        {
            logger.LogError(exception, "Request {Method} {Path} failed with {Status}", context.Request.Method, context.Request.Path, status);
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    public const string StorageUnavailableCode = "storage_unavailable";

    /// <summary>What Retry-After suggests: storage that went away usually comes back within seconds (a restart, a failover).</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// Whether the failure is storage out of reach rather than a bug: no HTTP answer at all
    /// (Azure SDK status 0), a refused or reset connection, a network timeout; also when the SDK's
    /// retries gave up and wrapped those in an AggregateException. A request the caller
    /// abandoned is not one of them.
    /// </summary>
    public static bool IsStorageUnreachable(Exception exception, CancellationToken requestAborted)
    {
        var pending = new Stack<Exception>([exception]);
        var seen = 0;
        while (pending.TryPop(out var e) && seen++ < 32)
        {
            switch (e)
            {
                case Azure.RequestFailedException { Status: 0 }:
                case HttpRequestException:
                case System.Net.Sockets.SocketException:
                case TimeoutException:
                case OperationCanceledException when !requestAborted.IsCancellationRequested:
                    return true;
                case AggregateException aggregate:
                    foreach (var inner in aggregate.InnerExceptions)
                    {
                        pending.Push(inner);
                    }

                    break;
                default:
                    if (e.InnerException is { } innerException)
                    {
                        pending.Push(innerException);
                    }

                    break;
            }
        }

        return false;
    }
}
