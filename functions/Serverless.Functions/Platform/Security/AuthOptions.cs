namespace Serverless.Functions.Platform.Security;

/// <summary>Sign-in settings (section "Auth"), and where the portal is: every emailed link starts with <see cref="PublicBaseUrl"/>.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>This address becomes an admin on its first sign-in (and stays one).</summary>
    public string? FirstAdminEmail { get; set; }

    /// <summary>Where people open the portal; emailed links start with it.</summary>
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:7071");

    public TimeSpan SignInLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session lasts this long after the last request (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    public OidcSettings Oidc { get; set; } = new();

    public sealed class OidcSettings
    {
        /// <summary>For Entra ID: https://login.microsoftonline.com/{tenant}/v2.0. Setting it turns the provider on.</summary>
        public string? Authority { get; set; }

        public string? ClientId { get; set; }

        public string? ClientSecret { get; set; }

        public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
    }

    public Uri Link(string pathAndFragment) => new(PublicBaseUrl, pathAndFragment);
}
