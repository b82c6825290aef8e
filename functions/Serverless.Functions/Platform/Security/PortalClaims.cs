using System.Security.Claims;

namespace Serverless.Functions.Platform.Security;

/// <summary>What every endpoint reads of the signed-in person; the Identity feature puts these claims on the principal.</summary>
public static class PortalClaims
{
    public const string LanguageClaim = "lang";
    public const string AuthenticationType = "portal";

    /// <summary>The cookie that carries the session; the API document names it too.</summary>
    public const string SessionCookieName = "inn.session";

    /// <summary>The server-side session (a row in the Sessions table) the cookie belongs to.</summary>
    public const string SessionClaim = "sid";

    public static string? PersonId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string? SessionId(this ClaimsPrincipal user) => user.FindFirstValue(SessionClaim);
}
