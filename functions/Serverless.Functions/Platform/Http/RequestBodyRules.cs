using System.Text.Unicode;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Platform.Http;

/// <summary>
/// How large a request body each group of API routes takes, in bytes. Public routes (no sign-in)
/// take a few KB, or what their longest valid answer needs; signed-in routes more; the imports what
/// their own row and character limits allow. Routes not named here fall into Public or SignedIn.
/// </summary>
public sealed class RequestBodyLimitOptions
{
    public const string SectionName = "RequestBodyLimits";

    /// <summary>Public routes: sign-in, newsletter, links' confirm/cancel/decline buttons.</summary>
    public long Public { get; set; } = 4 * 1024;

    /// <summary>Public routes whose form carries free text (registration answers: 10 × 4,000 characters; onboarding; reviews; reports).</summary>
    public long PublicText { get; set; } = 128 * 1024;

    /// <summary>Signed-in routes (coordinators' and admins' forms).</summary>
    public long SignedIn { get; set; } = 256 * 1024;

    /// <summary>Imports and uploads: the CSV files and attachments, whose own limits (5 MB, 1,000,000 characters) come first.</summary>
    public long Upload { get; set; } = 6 * 1024 * 1024;

    /// <summary>Routes by endpoint name that take more than their group's default.</summary>
    public Dictionary<string, string> Routes { get; set; } = new(StringComparer.Ordinal)
    {
        ["RegisterForWorkshop"] = nameof(PublicText),
        ["ChangeWorkshopRegistration"] = nameof(PublicText),
        ["SubmitWorkshopSurvey"] = nameof(PublicText),
        ["SubmitOnboarding"] = nameof(PublicText),
        ["ProposeCohortCandidateByLink"] = nameof(PublicText),
        ["AnswerNominationReview"] = nameof(PublicText),
        ["SubmitProgressReport"] = nameof(PublicText),
        ["DecideStageGate"] = nameof(PublicText),
        ["PreviewPeopleImport"] = nameof(Upload),
        ["ImportCohortCandidates"] = nameof(Upload),
        ["StartWorkshopCampaign"] = nameof(Upload),
        ["UploadNominationAttachment"] = nameof(Upload),
    };

    /// <summary>The limit for a route: by its name, else by whether it needs a signed-in caller.</summary>
    public long For(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { MaxRequestBodySize: { } explicitLimit })
        {
            return explicitLimit;
        }

        if (endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is { } name && Routes.TryGetValue(name, out var group))
        {
            return group switch
            {
                nameof(PublicText) => PublicText,
                nameof(SignedIn) => SignedIn,
                nameof(Upload) => Upload,
                _ => Public,
            };
        }

        var signedIn = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0 && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
        return signedIn ? SignedIn : Public;
    }
}

/// <summary>
/// Checks every API request body before a handler reads it: no larger than its route's limit (413
/// naming the limit), and a JSON body is UTF-8 and not the bare literal <c>null</c> (400 naming the
/// body). A JSON body is read here once, within the limit, and handed on from memory, so no handler
/// parses an oversized or undecodable body. Goes after authentication, rate limits and antiforgery,
/// so an anonymous caller cannot make the app buffer a signed-in route's larger body.
/// </summary>
public sealed class RequestBodyRulesMiddleware(RequestDelegate next, IOptions<RequestBodyLimitOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var endpoint = context.GetEndpoint();
        if (endpoint is null || !request.Path.StartsWithSegments("/api") || !HasBody(request))
        {
            await next(context);
            return;
        }

        var limit = options.Value.For(endpoint);
        if (request.ContentLength > limit)
        {
            await TooLargeAsync(context, limit);
            return;
        }

        // Bodies without a length (chunked) are cut off by the server at the limit too.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (request.HasJsonContentType())
        {
            var body = await ReadWithinAsync(request.Body, limit, context.RequestAborted);
            if (body is null)
            {
                await TooLargeAsync(context, limit);
                return;
            }

            if (!Utf8.IsValid(body.GetBuffer().AsSpan(0, (int)body.Length)))
            {
                await BadBodyAsync(context, "body_not_utf8");
                return;
            }

            if (IsBareNull(body.GetBuffer().AsSpan(0, (int)body.Length)))
            {
                await BadBodyAsync(context, "body_null");
                return;
            }

            request.Body = body;
            request.ContentLength = body.Length;
            context.Response.RegisterForDispose(body);
        }

        await next(context);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>The whole body in memory, or null when it runs past the limit.</summary>
    private static async Task<MemoryStream?> ReadWithinAsync(Stream source, long limit, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                await buffer.DisposeAsync();
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        return buffer;
    }

    private static bool IsBareNull(ReadOnlySpan<byte> body) => body.Trim(" \t\r\n"u8).SequenceEqual("null"u8);

    private static Task TooLargeAsync(HttpContext context, long limit)
    {
        var language = CodedProblem.LanguageOf(context);
        var localizer = context.RequestServices.GetRequiredService<ILocalizer>();
        var kilobytes = Math.Max(1, limit / 1024);
        return WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "body_too_large", localizer.Get(language, "problem.body_too_large.detail", kilobytes), new Dictionary<string, object?>
        {
            ["limitBytes"] = limit,
            ["field"] = "body",
        });
    }

    private static Task BadBodyAsync(HttpContext context, string code)
    {
        var localizer = context.RequestServices.GetRequiredService<ILocalizer>();
        var message = localizer.Get(CodedProblem.LanguageOf(context), "problem." + code);
        return WriteAsync(context, StatusCodes.Status400BadRequest, code, message, new Dictionary<string, object?>
        {
            ["field"] = "body",
            ["errors"] = new Dictionary<string, string[]> { ["body"] = [message] },
        });
    }

    private static async Task WriteAsync(HttpContext context, int status, string code, string detail, Dictionary<string, object?> extensions)
    {
        var localizer = context.RequestServices.GetRequiredService<ILocalizer>();
        var problem = new ProblemDetails
        {
            Status = status,
            Title = localizer.Get(CodedProblem.LanguageOf(context), "problem." + code),
            Detail = detail,
            Extensions = { ["code"] = code },
        };
        foreach (var (key, value) in extensions)
        {
            problem.Extensions[key] = value;
        }

        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
