using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Identity;

/// <summary>
/// Cookie sessions for the portal, role policies, and the optional OpenID Connect (Entra ID)
/// provider. Settings are read when services resolve, never here (test hosts add theirs late);
/// the OpenID Connect scheme is added at start-up only when Auth:Oidc:Authority is set.
/// </summary>
public static class IdentityExtensions
{
    public const string OidcScheme = "oidc";

    public static IHostApplicationBuilder AddIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SignInLinks>();
        builder.Services.AddHostedService<SignInLinkService>();

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = PortalClaims.SessionCookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents
                {
                    OnSigningIn = StartSessionAsync,
                    OnValidatePrincipal = RefreshPrincipalAsync,
                    OnCheckSlidingExpiration = RenewSessionAsync,
                    OnRedirectToLogin = context => CodedProblem.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "unauthenticated"),
                    OnRedirectToAccessDenied = context => CodedProblem.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "forbidden"),
                };
            });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = auth.Value.SessionLifetime);

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Coordinator, p => p.RequireRole(Roles.Admin, Roles.Coordinator))
            .AddPolicy(Policies.Reviewer, p => p.RequireRole(Roles.Admin, Roles.Reviewer))
            .AddPolicy(Policies.Member, p => p.RequireAuthenticatedUser());

        builder.Services.AddOptions<OpenIdConnectOptions>(OidcScheme).Configure<IOptions<AuthOptions>>(ConfigureOidc);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        builder.Services.AddTransient<OpenIdConnectHandler>();
        return builder;
    }

    /// <summary>Adds the OpenID Connect scheme when the settings name a provider. Called once at start-up.</summary>
    public static void AddOidcSchemeIfConfigured(IServiceProvider services)
    {
        if (!services.GetRequiredService<IOptions<AuthOptions>>().Value.Oidc.IsConfigured)
        {
            return;
        }

        var schemes = services.GetRequiredService<IAuthenticationSchemeProvider>();
        if (schemes.GetSchemeAsync(OidcScheme).GetAwaiter().GetResult() is null)
        {
            schemes.AddScheme(new AuthenticationScheme(OidcScheme, "Microsoft Entra ID", typeof(OpenIdConnectHandler)));
        }
    }

    /// <summary>Every sign-in (email link or Entra ID) gets a server-side session, named in the cookie.</summary>
    private static async Task StartSessionAsync(CookieSigningInContext context)
    {
        var person = context.Principal?.PersonId() ?? throw new InvalidOperationException("A portal session needs a person.");
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionStore>();
        var lifetime = context.HttpContext.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SessionLifetime;
        var sessionId = await sessions.StartAsync(person, lifetime, context.HttpContext.RequestAborted);
        var identity = (System.Security.Claims.ClaimsIdentity)context.Principal!.Identity!;
        identity.TryRemoveClaim(identity.FindFirst(PortalClaims.SessionClaim));
        identity.AddClaim(new System.Security.Claims.Claim(PortalClaims.SessionClaim, sessionId));
    }

    /// <summary>
    /// Checks the session behind the cookie on every request: it must still exist on the server
    /// (not signed out, person not deleted), and the person is reloaded so role changes apply.
    /// What was read is reused for a couple of seconds (see <see cref="SessionStore"/>).
    /// </summary>
    private static async Task RefreshPrincipalAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.PersonId();
        var sessionId = context.Principal?.SessionId();
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionStore>();
        if (id is not null && sessionId is not null && sessions.Recall(id, sessionId) is { } recalled)
        {
            context.ReplacePrincipal(recalled);
            return;
        }

        PersonEntity? person = null;
        var generation = id is null ? 0 : sessions.Generation(id);
        if (id is not null && sessionId is not null)
        {
            var people = context.HttpContext.RequestServices.GetRequiredService<PeopleStore>();
            var active = sessions.IsActiveAsync(id, sessionId, context.HttpContext.RequestAborted);
            var found = people.GetAsync(id, context.HttpContext.RequestAborted);
            await Task.WhenAll(active, found);
            person = await active ? await found : null;
        }

        if (person is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        var principal = PortalPrincipal.Create(person, sessionId);
        sessions.Remember(person.Id, sessionId!, generation, principal);
        context.ReplacePrincipal(principal);
    }

    /// <summary>When the cookie slides forward, the server-side session does too.</summary>
    private static async Task RenewSessionAsync(CookieSlidingExpirationContext context)
    {
        if (context.ShouldRenew && context.Principal?.PersonId() is { } id && context.Principal.SessionId() is { } sessionId)
        {
            var lifetime = context.HttpContext.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SessionLifetime;
            await context.HttpContext.RequestServices.GetRequiredService<SessionStore>().RenewAsync(id, sessionId, lifetime, context.HttpContext.RequestAborted);
        }
    }

    private static void ConfigureOidc(OpenIdConnectOptions o, IOptions<AuthOptions> auth)
    {
        var settings = auth.Value.Oidc;
        o.Authority = settings.Authority;
        o.ClientId = settings.ClientId;
        o.ClientSecret = settings.ClientSecret;
        o.ResponseType = "code";
        o.UsePkce = true;
        o.MapInboundClaims = false;
        o.Scope.Clear();
        o.Scope.Add("openid");
        o.Scope.Add("profile");
        o.Scope.Add("email");
        o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;

        // Under /api so that the Static Web App forwards the provider's answer to this app.
        o.CallbackPath = "/api/auth/oidc/callback";
        o.Events = new OpenIdConnectEvents
        {
            OnTokenValidated = MapToRegisteredPersonAsync,
            OnRemoteFailure = context =>
            {
                context.Response.Redirect("/sign-in?error=oidc_failed");
                context.HandleResponse();
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>Staff sign in with Entra ID only if their email address is registered; the session then is the person's.</summary>
    private static async Task MapToRegisteredPersonAsync(TokenValidatedContext context)
    {
        var email = OidcEmail(context.Principal);
        var services = context.HttpContext.RequestServices;
        var person = email is null ? null : await services.GetRequiredService<PeopleStore>().FindByEmailAsync(email, context.HttpContext.RequestAborted);
        if (person is null)
        {
            context.Response.Redirect("/sign-in?error=not_registered");
            context.HandleResponse();
            return;
        }

        context.Principal = PortalPrincipal.Create(person);
        await services.GetRequiredService<IAuditLog>().RecordAsync(
            new AuditRecord("person", person.Id, "signed-in", After: new { method = "oidc" }) { Actor = "person:" + person.Id },
            context.HttpContext.RequestAborted);
    }

    /// <summary>Entra ID puts the address in "email" when the optional claim is on, else in "preferred_username" or "upn".</summary>
    public static string? OidcEmail(System.Security.Claims.ClaimsPrincipal? principal) =>
        new[] { "email", "preferred_username", "upn" }
            .Select(type => principal?.FindFirst(type)?.Value)
            .FirstOrDefault(value => RegistryValidation.IsValidEmail(value));
}
