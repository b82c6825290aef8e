using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Identity;

/// <summary>
/// Sign-in by emailed link, the session, the caller's language, and role changes by admins.
///
/// The flow: POST /sign-in always answers 202 the same way; a registered person gets a link to
/// the portal page /sign-in/complete#token=…, which must not act by itself (mail scanners open
/// links) and POSTs the token to /complete, which uses it up and starts the cookie session.
/// Every POST/PUT/DELETE under /api needs the X-XSRF-TOKEN header from GET /antiforgery,
/// including /sign-in and /complete (so no other site can sign a browser into an account).
/// </summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        IdentityExtensions.AddOidcSchemeIfConfigured(app.ServiceProvider);

        var auth = app.MapGroup("/api/auth").WithTags("Sign-in");
        auth.MapGet("/antiforgery", GetAntiforgeryToken).WithName("GetAntiforgeryToken")
            .WithSummary("Get an antiforgery token")
            .WithDescription("A request token for the X-XSRF-TOKEN header (and the antiforgery cookie). Fetch again after signing in or out.");
        auth.MapGet("/providers", GetProviders).WithName("GetSignInProviders")
            .WithSummary("List the ways to sign in");
        auth.MapPost("/sign-in", RequestSignInLinkAsync).WithName("RequestSignInLink").RequireRateLimiting(RateLimitPolicies.PublicPerClient)
            .WithSummary("Email a sign-in link")
            .WithDescription("Emails a single-use sign-in link to a registered address. Always 202, registered or not; an address receives a few links per 15 minutes however often it is asked for.");
        auth.MapPost("/complete", CompleteSignInAsync).WithName("CompleteSignIn").RequireRateLimiting(RateLimitPolicies.PublicPerClient)
            .WithSummary("Sign in with the token from a sign-in link")
            .WithDescription("Uses up a sign-in token and starts the session; 400 with code token_invalid, token_expired or token_used.");
        auth.MapPost("/sign-out", SignOutAsync).WithName("SignOut")
            .WithSummary("Sign out and end the session");
        auth.MapGet("/me", GetMe).WithName("GetMe").RequireAuthorization(Policies.Member)
            .WithSummary("Get the signed-in person");
        auth.MapPut("/me/language", SetLanguageAsync).WithName("SetMyLanguage").RequireAuthorization(Policies.Member)
            .WithSummary("Set the signed-in person's language")
            .ProducesProblem(StatusCodes.Status409Conflict);
        auth.MapGet("/oidc/sign-in", StartOidcSignInAsync).WithName("StartOidcSignIn")
            .WithSummary("Sign in with Microsoft Entra ID")
            .WithDescription("Redirects to Microsoft Entra ID when it is configured; 404 otherwise.")
            .Produces(StatusCodes.Status302Found)
            .ProducesProblem(StatusCodes.Status404NotFound);

        // Signed-in callers reach the handlers, which check the admin role themselves so that a refused attempt is audited.
        var roles = app.MapGroup("/api/admin/people/{personId}/roles").WithTags("Roles").RequireAuthorization(Policies.Member);
        roles.MapPut("/{role}", GrantRoleAsync).WithName("GrantRole")
            .WithSummary("Grant a role to a person")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        roles.MapDelete("/{role}", RevokeRoleAsync).WithName("RevokeRole")
            .WithSummary("Revoke a role from a person")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    public sealed record AntiforgeryToken(string Token, string HeaderName);

    public sealed record Providers(bool EmailLink, bool Oidc, string? OidcSignInUrl);

    public sealed record SignInRequest(string? Email, string? Language);

    public sealed record SignInAccepted(string Message);

    public sealed record CompleteRequest(string? Token);

    public sealed record LanguageRequest(string? Language);

    public sealed record Me(string PersonId, string Email, string Name, IReadOnlyList<string> Roles, string Language);

    public sealed record PersonRoles(string PersonId, IReadOnlyList<string> Roles);

    public static Ok<AntiforgeryToken> GetAntiforgeryToken(HttpContext context)
    {
        // Antiforgery itself marks the answer no-cache, no-store; a Cache-Control set here made it warn on every fetch.
        return TypedResults.Ok(new AntiforgeryToken(context.IssueAntiforgeryToken(), AntiforgeryValidationMiddleware.HeaderName));
    }

    public static Ok<Providers> GetProviders(IOptions<AuthOptions> options) =>
        options.Value.Oidc.IsConfigured
            ? TypedResults.Ok(new Providers(true, true, "/api/auth/oidc/sign-in"))
            : TypedResults.Ok(new Providers(true, false, null));

    public static async Task<Results<Accepted<SignInAccepted>, ValidationProblem>> RequestSignInLinkAsync(
        SignInRequest? request,
        SignInLinks links,
        ILocalizer localizer,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var email = request?.Email?.Trim();
        if (!RegistryValidation.IsValidEmail(email))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["Enter a valid email address."] });
        }

        if (request!.Language is { Length: > 0 } language && !Languages.IsSupported(language))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["language"] = [$"'{language}' is not one of the portal's languages."] });
        }

        // Only queued here: whether the address is registered, and whether it has had its
        // allowance of emails, is decided in the background, so neither changes the answer or its time.
        await links.RequestAsync(email!, request.Language, cancellationToken);
        var lang = request.Language ?? CodedProblem.LanguageOf(context);
        return TypedResults.Accepted((string?)null, new SignInAccepted(localizer.Get(lang, "signIn.accepted")));
    }

    public static async Task<Results<Ok<Me>, ProblemHttpResult>> CompleteSignInAsync(
        CompleteRequest? request,
        ActionTokens tokens,
        PeopleStore people,
        EmailAllowance allowance,
        IAuditLog audit,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var redemption = await tokens.RedeemAsync(request?.Token, SignInLinks.Purpose, cancellationToken);
        var person = redemption.Succeeded ? await people.GetAsync(redemption.Subject!, cancellationToken) : null;
        if (person is null)
        {
            return CodedProblem.Create(context, StatusCodes.Status400BadRequest, redemption.Succeeded ? "token_invalid" : redemption.Code);
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, PortalPrincipal.Create(person), new AuthenticationProperties { IsPersistent = true });
        allowance.Reset(SignInLinks.Purpose, person.Email);
        await audit.RecordAsync(new AuditRecord("person", person.Id, "signed-in", After: new { method = "email-link" }) { Actor = "person:" + person.Id }, cancellationToken);
        return TypedResults.Ok(ToMe(person));
    }

    /// <summary>Ends the session on the server too, so a copy of the cookie taken before is worthless after.</summary>
    public static async Task<NoContent> SignOutAsync(SessionStore sessions, HttpContext context, CancellationToken cancellationToken)
    {
        if (context.User.PersonId() is { } personId && context.User.SessionId() is { } sessionId)
        {
            await sessions.EndAsync(personId, sessionId, cancellationToken);
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    public static Ok<Me> GetMe(HttpContext context)
    {
        var user = context.User;
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new Me(
            user.PersonId()!,
            user.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value ?? "",
            user.Identity?.Name ?? "",
            user.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).ToList(),
            user.FindFirst(PortalClaims.LanguageClaim)?.Value ?? MessageCatalogue.DefaultLanguage));
    }

    public static async Task<Results<Ok<Me>, ValidationProblem, ProblemHttpResult>> SetLanguageAsync(
        LanguageRequest? request,
        PeopleStore people,
        IAuditLog audit,
        TimeProvider time,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!Languages.IsSupported(request?.Language))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["language"] = [$"Choose one of: {string.Join(", ", Languages.Supported.Order())}."],
            });
        }

        var person = await people.GetAsync(context.User.PersonId()!, cancellationToken);
        if (person is null)
        {
            return CodedProblem.Create(context, StatusCodes.Status401Unauthorized, "unauthenticated");
        }

        var language = Languages.Normalize(request!.Language);
        if (person.PreferredLanguage != language)
        {
            var before = person.ToAudit();
            person.PreferredLanguage = language;
            person.UpdatedAt = time.GetUtcNow();
            if (await people.UpdateAsync(person, person.Email, person.ETag, cancellationToken) != WriteOutcome.Done)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Your record changed at the same time; try again.");
            }

            await audit.RecordAsync(new AuditRecord("person", person.Id, "language-changed", before, person.ToAudit()), cancellationToken);
        }

        return TypedResults.Ok(ToMe(person));
    }

    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> StartOidcSignInAsync(string? returnUrl, IAuthenticationSchemeProvider schemes, HttpContext context)
    {
        if (await schemes.GetSchemeAsync(IdentityExtensions.OidcScheme) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Sign-in with Microsoft Entra ID is not configured.");
        }

        // Only local paths, so the redirect after sign-in cannot send people to another site.
        var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/";
        await context.ChallengeAsync(IdentityExtensions.OidcScheme, new AuthenticationProperties { RedirectUri = target });
        return TypedResults.Empty;
    }

    public static Task<Results<Ok<PersonRoles>, ValidationProblem, ProblemHttpResult>> GrantRoleAsync(
        string personId, string role, PeopleStore people, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken) =>
        ChangeRoleAsync(personId, role, grant: true, people, audit, time, context, cancellationToken);

    public static Task<Results<Ok<PersonRoles>, ValidationProblem, ProblemHttpResult>> RevokeRoleAsync(
        string personId, string role, PeopleStore people, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken) =>
        ChangeRoleAsync(personId, role, grant: false, people, audit, time, context, cancellationToken);

    private static async Task<Results<Ok<PersonRoles>, ValidationProblem, ProblemHttpResult>> ChangeRoleAsync(
        string personId, string role, bool grant, PeopleStore people, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var action = grant ? "role-granted" : "role-revoked";
        if (!context.User.IsInRole(Roles.Admin))
        {
            await audit.RecordAsync(new AuditRecord("person", personId, action + "-denied", After: new { role }), cancellationToken);
            return CodedProblem.Create(context, StatusCodes.Status403Forbidden, "forbidden", "Only admins grant and revoke roles.");
        }

        if (!Roles.IsKnown(role))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"'{role}' is not a role. Roles: {string.Join(", ", Roles.All.Order())}."] });
        }

        if (!grant && role == Roles.Admin && personId == context.User.PersonId())
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = ["You cannot remove your own admin role; ask another admin."] });
        }

        var person = await people.GetAsync(personId, cancellationToken);
        if (person is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no person with this id.");
        }

        if (person.RoleList.Contains(role) != grant)
        {
            var before = person.ToAudit();
            person.SetRoles(grant ? [.. person.RoleList, role] : person.RoleList.Where(r => r != role));
            person.UpdatedAt = time.GetUtcNow();
            if (await people.UpdateAsync(person, person.Email, person.ETag, cancellationToken) != WriteOutcome.Done)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The person changed at the same time; try again.");
            }

            await audit.RecordAsync(new AuditRecord("person", person.Id, action, before, person.ToAudit()), cancellationToken);
        }

        return TypedResults.Ok(new PersonRoles(person.Id, person.RoleList));
    }

    private static Me ToMe(PersonEntity person) => new(person.Id, person.Email, person.Name, person.RoleList, person.PreferredLanguage);
}
