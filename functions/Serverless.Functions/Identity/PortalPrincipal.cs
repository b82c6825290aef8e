using System.Security.Claims;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Identity;

/// <summary>The signed-in person as claims. Built afresh from the registry on every request, so role changes apply at once.</summary>
public static class PortalPrincipal
{
    public const string LanguageClaim = "lang";
    public const string AuthenticationType = "portal";

    public static ClaimsPrincipal Create(PersonEntity person)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, person.Id),
            new(ClaimTypes.Email, person.Email),
            new(ClaimTypes.Name, person.Name),
            new(LanguageClaim, person.PreferredLanguage),
        };
        claims.AddRange(person.RoleList.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static string? PersonId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);
}
