using System.Security.Claims;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Identity;

/// <summary>The signed-in person as claims (<see cref="PortalClaims"/>). Built afresh from the registry on every request, so role changes apply at once.</summary>
public static class PortalPrincipal
{
    public static ClaimsPrincipal Create(PersonEntity person, string? sessionId = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, person.Id),
            new(ClaimTypes.Email, person.Email),
            new(ClaimTypes.Name, person.Name),
            new(PortalClaims.LanguageClaim, person.PreferredLanguage),
        };
        if (sessionId is not null)
        {
            claims.Add(new(PortalClaims.SessionClaim, sessionId));
        }

        claims.AddRange(person.RoleList.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, PortalClaims.AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }
}
