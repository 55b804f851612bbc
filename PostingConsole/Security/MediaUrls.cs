using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace PostingConsole.Security;

/// <summary>
/// Links to files of <c>Media:LocalRoot</c>: <c>media/{path}?t={token}</c>, where the token is the path
/// protected with ASP.NET Core Data Protection and an expiry (<see cref="Lifetime"/>). The media endpoint serves a
/// file only for a token that is genuine, unexpired and made for that path, so the folder cannot be browsed,
/// and a link given to Meta's fetcher stops working an hour later.
/// </summary>
public sealed class MediaUrls(IDataProtectionProvider protection)
{
    public const string TokenParameter = "t";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly ITimeLimitedDataProtector protector =
        protection.CreateProtector("PostingConsole.MediaUrl.v1").ToTimeLimitedDataProtector();

    /// <summary>The path and query of a signed link, relative to the site root (no leading slash).</summary>
    public string PathAndQuery(string imagePath) =>
        "media/" + string.Join('/', imagePath.Split('/').Select(Uri.EscapeDataString))
        + $"?{TokenParameter}=" + Uri.EscapeDataString(protector.Protect(imagePath, Lifetime));

    /// <summary>True when <paramref name="token"/> was made here for <paramref name="imagePath"/> and has not expired.</summary>
    public bool Verify(string imagePath, string? token)
    {
        if (string.IsNullOrEmpty(token)) return false;
        try
        {
            return protector.Unprotect(token, out _) == imagePath;
        }
        catch (CryptographicException)
        {
            return false; // tampered, expired, or from another installation
        }
    }
}
