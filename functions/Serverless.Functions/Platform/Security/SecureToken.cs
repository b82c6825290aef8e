using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.Functions.Platform.Security;

/// <summary>Random tokens for emailed links: 256 bits, base64url; only their SHA-256 hash is ever stored.</summary>
public static class SecureToken
{
    /// <summary>32 random bytes in base64url without padding: 43 characters.</summary>
    public const int Length = 43;

    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>True when the text has the shape of a token (so junk never reaches storage).</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: Length } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
