using Microsoft.AspNetCore.Antiforgery;

namespace Serverless.Functions.Platform.Security;

/// <summary>
/// Every state-changing request under /api must carry the antiforgery request token in the
/// <see cref="HeaderName"/> header (from GET /api/auth/antiforgery), matched against the
/// antiforgery cookie; otherwise it is refused with a 400 problem (code antiforgery_invalid)
/// before any handler runs. ASP.NET's own antiforgery middleware only checks form posts, while
/// this API takes JSON and CSV bodies, hence this middleware.
/// </summary>
public sealed class AntiforgeryValidationMiddleware(RequestDelegate next, IAntiforgery antiforgery, ILogger<AntiforgeryValidationMiddleware> logger)
{
    public const string HeaderName = "X-XSRF-TOKEN";
    public const string CookieName = "inn.af";

    public async Task InvokeAsync(HttpContext context)
    {
        if (RequiresValidation(context))
        {
            try
            {
                await antiforgery.ValidateRequestAsync(context);
            }
            catch (AntiforgeryValidationException ex)
            {
                logger.LogInformation("Refused {Method} {Path} without a valid antiforgery token: {Reason}", context.Request.Method, context.Request.Path, ex.Message);
                await CodedProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "antiforgery_invalid");
                return;
            }
        }

        await next(context);
    }

    private static bool RequiresValidation(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api")
        && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method));
}
