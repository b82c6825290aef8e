using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Platform.Http;

/// <summary>
/// Turns exceptions into ProblemDetails: unreadable request bodies are the caller's 400, an
/// unreachable or misconfigured storage a 503; anything else stays a logged 500 without details.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "The request is not valid.", bad.InnerException?.Message ?? bad.Message),
            StorageConfigurationException config => (StatusCodes.Status503ServiceUnavailable, "Storage is not configured.", config.Message),
            Azure.RequestFailedException { Status: 0 } or HttpRequestException => (StatusCodes.Status503ServiceUnavailable, "Storage is unreachable.", (string?)null),
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
}
