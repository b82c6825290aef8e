using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Serverless.Functions.Platform.Localization;

namespace Serverless.Functions.Platform.Security;

/// <summary>
/// Problems with a machine-readable <c>code</c> (the portal maps codes to its own messages) and a
/// title in the caller's language (Accept-Language), from the server's message catalogue.
/// </summary>
public static class CodedProblem
{
    public static ProblemHttpResult Create(HttpContext context, int status, string code, string? detail = null)
    {
        var localizer = context.RequestServices.GetRequiredService<ILocalizer>();
        return TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Title = localizer.Get(LanguageOf(context), "problem." + code),
            Detail = detail,
            Extensions = { ["code"] = code },
        });
    }

    public static async Task WriteAsync(HttpContext context, int status, string code)
    {
        var localizer = context.RequestServices.GetRequiredService<ILocalizer>();
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = localizer.Get(LanguageOf(context), "problem." + code),
                Extensions = { ["code"] = code },
            },
        });
    }

    /// <summary>The first supported language the caller accepts, else English.</summary>
    public static string LanguageOf(HttpContext context) => FieldMessages.LanguageOf(context);
}
