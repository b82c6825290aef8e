using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Platform.Http;

/// <summary>
/// What /openapi/v1.json says beyond the route tables: the title, licence and server; a description
/// for every tag; the two security schemes (the session cookie and the antiforgery header) on the
/// operations that need them, read from each endpoint's authorization metadata and HTTP method;
/// and the 4xx answers the middleware gives before a handler runs (401 and 403 from authorization,
/// 400 antiforgery_invalid, 429 rate_limited). Handlers declare their own 4xx in the route tables.
/// </summary>
public static class ApiDocument
{
    public const string SessionScheme = "session";
    public const string AntiforgeryScheme = "antiforgery";

    /// <summary>One line per tag used in a route table; a tag missing here fails the lint (tag-description).</summary>
    public static readonly IReadOnlyDictionary<string, string> TagDescriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Health"] = "Whether the app reaches its storage; for load balancers and monitoring.",
        ["Sign-in"] = "Sign-in links by email or Microsoft Entra ID, the session, the antiforgery token and the signed-in person's settings.",
        ["Roles"] = "Granting and revoking roles (admin, coordinator, reviewer); admins only.",
        ["Registry"] = "The network's organisations and people, with CSV export and a checked CSV import; coordinators and admins.",
        ["Newsletter"] = "Newsletter subscriptions: the public sign-up with email confirmation, and the list for coordinators.",
        ["Workshops"] = "Workshop series and sessions, registrations, attendance and the feedback survey; coordinators and admins.",
        ["Workshop campaigns"] = "Invitation campaigns for a workshop series, with live counts per invitee.",
        ["Workshop invitation (public)"] = "What an invitee does through the personal link in their invitation: register, change, cancel, accept a waitlist offer or decline.",
        ["Workshop survey (public)"] = "The feedback survey reached through the personal link sent after a workshop.",
        ["Nominations"] = "Nomination calls, nominations with attachments, the review board and the selection decisions.",
        ["Nomination review (public)"] = "What a reviewer does through the personal review link: read the nomination, score it, decline or declare a conflict.",
        ["TRADE projects"] = "Selected TRADE projects and their progress, for coordinators.",
        ["TRADE projects (public)"] = "Progress reports and stage-gate decisions submitted through personal links.",
        ["Cohorts"] = "Programmes, cohorts, their candidates and the links through which organisations propose candidates.",
        ["Cohort onboarding"] = "Starting the onboarding of a cohort's accepted participants and following their progress.",
        ["Cohort onboarding (public)"] = "What a participant fills in through their personal onboarding link: profile, consent and management challenge.",
        ["Cohort proposals (public)"] = "Proposing candidates for a cohort through an organisation's personal proposal link.",
        ["Cohort challenges"] = "Participants' management challenges: theme, workshop group and fishbone diagram.",
        ["Audit"] = "Who changed what and when, searchable; admins only.",
        ["Workflow monitor"] = "Running and finished background workflows (orchestrations): inspect, raise events, suspend, resume, terminate, purge; admins only.",
    };

    public static OpenApiOptions AddApiDocument(this OpenApiOptions options)
    {
        options.AddDocumentTransformer(DescribeDocumentAsync);
        options.AddOperationTransformer(DescribeSecurityAsync);
        return options;
    }

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        // No open-source licence: the API is the Innovation Network's own (an SPDX LicenseRef for that).
        document.Info.License = new OpenApiLicense { Name = "Proprietary: for the Innovation Network and its members only", Identifier = "LicenseRef-Proprietary" };

        // The document is served by the API it describes: a relative server works on every host
        // (localhost, the Functions app, a proxy) where the request's own URL would end in a slash.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The host that serves this document." }];

        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is not null && TagDescriptions.TryGetValue(tag.Name, out var description))
            {
                tag.Description = description;
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = PortalClaims.SessionCookieName,
            Description = "The session cookie, set when a sign-in link is used (POST /api/auth/complete) or after Microsoft Entra ID sign-in. " +
                "The requirement lists the policies the operation needs: member (anyone signed in), reviewer, coordinator or admin; admins pass every policy.",
        };
        document.Components.SecuritySchemes[AntiforgeryScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AntiforgeryValidationMiddleware.HeaderName,
            Description = $"The request token from GET /api/auth/antiforgery, sent with the {AntiforgeryValidationMiddleware.CookieName} cookie that call sets. " +
                "Every POST, PUT, PATCH and DELETE under /api needs it, signed in or not; fetch a new one after signing in or out.",
        };
        return Task.CompletedTask;
    }

    private static Task DescribeSecurityAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var policies = metadata.OfType<IAllowAnonymous>().Any()
            ? []
            : metadata.OfType<IAuthorizeData>().Select(a => a.Policy ?? Policies.Member).Distinct(StringComparer.Ordinal).ToList();
        var signedIn = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        var changesState = (context.Description.RelativePath ?? "").StartsWith("api/", StringComparison.Ordinal)
            && !(HttpMethods.IsGet(context.Description.HttpMethod ?? "") || HttpMethods.IsHead(context.Description.HttpMethod ?? ""));
        var rateLimited = metadata.OfType<EnableRateLimitingAttribute>().Any() && !metadata.OfType<DisableRateLimitingAttribute>().Any();

        var requirement = new OpenApiSecurityRequirement();
        if (signedIn)
        {
            requirement[new OpenApiSecuritySchemeReference(SessionScheme, context.Document)] = policies;
        }

        if (changesState)
        {
            requirement[new OpenApiSecuritySchemeReference(AntiforgeryScheme, context.Document)] = [];
        }

        // An empty list says "no credentials needed" (the lint's security-defined rule wants every
        // operation to say so explicitly).
        operation.Security = requirement.Count > 0 ? [requirement] : [];

        operation.Responses ??= new OpenApiResponses();
        if (changesState)
        {
            if (operation.Responses.TryGetValue("400", out var badRequest) && badRequest is OpenApiResponse declared)
            {
                declared.Description = "Invalid input (a ProblemDetails naming the fields), or the antiforgery token is missing or invalid (code antiforgery_invalid).";
            }

            AddProblem(operation, context, StatusCodes.Status400BadRequest, "The antiforgery token (X-XSRF-TOKEN header and cookie) is missing or invalid (code antiforgery_invalid).");
        }

        if (signedIn)
        {
            AddProblem(operation, context, StatusCodes.Status401Unauthorized, "Not signed in, or the session has ended (code unauthenticated).");
            if (policies.Any(p => p != Policies.Member))
            {
                AddProblem(operation, context, StatusCodes.Status403Forbidden, $"Signed in without the role this needs ({string.Join(", ", policies)}; code forbidden).");
            }
        }

        if (rateLimited)
        {
            AddProblem(operation, context, StatusCodes.Status429TooManyRequests, "Too many requests from this address (code rate_limited); the Retry-After header says how many seconds to wait.");
        }

        return Task.CompletedTask;
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) },
            },
        };
    }
}
