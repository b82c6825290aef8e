using System.Security.Claims;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Identity;

/// <summary>The signed-in person as claims. Built afresh from the registry on every request, so role changes apply at once.</summary>
public static class PortalPrincipal
{
    public const string LanguageClaim = "lang";
    public const string AuthenticationType = "portal";

    /// <summary>The server-side session (a row in the Sessions table) the cookie belongs to.</summary>
    public const string SessionClaim = "sid";

    public static ClaimsPrincipal Create(PersonEntity person, string? sessionId = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, person.Id),
            new(ClaimTypes.Email, person.Email),
            new(ClaimTypes.Name, person.Name),
            new(LanguageClaim, person.PreferredLanguage),
        };
        if (sessionId is not null)
        {
            claims.Add(new(SessionClaim, sessionId));
        }

        claims.AddRange(person.RoleList.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static string? PersonId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string? SessionId(this ClaimsPrincipal user) => user.FindFirstValue(SessionClaim);
}
