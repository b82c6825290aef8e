using Microsoft.AspNetCore.Antiforgery;
using Serverless.Functions.Platform.Http;

namespace Serverless.Functions.Platform.Security;

/// <summary>
/// Antiforgery, rate limits and the middleware order that applies authentication, authorization,
/// rate limits and antiforgery to every endpoint. Authentication schemes and policies come from
/// the Identity feature.
/// </summary>
public static class SecurityExtensions
{
    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.SectionName));
        builder.Services.Configure<RateLimitOptions>(builder.Configuration.GetSection(RateLimitOptions.SectionName));
        builder.Services.AddSingleton<AddressRateLimiter>();
        builder.Services.AddSingleton<EmailAllowance>();
        builder.Services.AddSingleton<ActionTokens>();
        builder.Services.Configure<SessionOptions>(builder.Configuration.GetSection(SessionOptions.SectionName));
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.Configure<RequestBodyLimitOptions>(builder.Configuration.GetSection(RequestBodyLimitOptions.SectionName));
        builder.Services.AddRateLimiter(RateLimitPolicies.Configure);
        builder.AddDataProtectionKeys();
        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryValidationMiddleware.HeaderName;
            o.Cookie.Name = AntiforgeryValidationMiddleware.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // Every response says X-Frame-Options: DENY and frame-ancestors 'none' (SecurityHeaders).
            o.SuppressXFrameOptionsHeader = true;
        });
        return builder;
    }

    /// <summary>Goes after UsePlatform and before every API map.</summary>
    public static IApplicationBuilder UseSecurity(this IApplicationBuilder app)
    {
        app.LogDataProtectionKeys();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<AntiforgeryValidationMiddleware>();
        app.UseMiddleware<RequestBodyRulesMiddleware>();
        return app;
    }

    /// <summary>Issues a request token for the caller (and sets the antiforgery cookie).</summary>
    public static string IssueAntiforgeryToken(this HttpContext context) =>
        context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken!;
}
