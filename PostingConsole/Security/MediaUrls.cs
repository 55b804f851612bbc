using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Memory;

namespace PostingConsole.Security;

/// <summary>
/// Links to files of <c>Media:LocalRoot</c>: <c>media/{path}?t={token}</c>, where the token is the path
/// protected with ASP.NET Core Data Protection and an expiry (<see cref="Lifetime"/>). The media endpoint serves a
/// file only for a token that is genuine, unexpired and made for that path, so the folder cannot be browsed,
/// and a link given to Meta's fetcher stops working an hour later.
/// </summary>
public sealed class MediaUrls(IDataProtectionProvider protection, IMemoryCache cache)
{
    public const string TokenParameter = "t";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// How long one link is handed out again: a protected token differs on every call, and a screen re-rendered with a new
    /// link makes every open browser fetch and decode the picture again (24 thumbnails per tab for each change on the queue).
    /// Half the lifetime, so a link handed out still works for at least half an hour.
    /// </summary>
    public static readonly TimeSpan Reuse = Lifetime / 2;

    private readonly ITimeLimitedDataProtector protector =
        protection.CreateProtector("PostingConsole.MediaUrl.v1").ToTimeLimitedDataProtector();

    /// <summary>The path and query of a new signed link, relative to the site root (no leading slash), valid for the whole <see cref="Lifetime"/>: for Meta's fetcher.</summary>
    public string PathAndQuery(string imagePath) =>
        "media/" + string.Join('/', imagePath.Split('/').Select(Uri.EscapeDataString))
        + $"?{TokenParameter}=" + Uri.EscapeDataString(protector.Protect(imagePath, Lifetime)); // expiry on the system clock, as Unprotect checks it

    /// <summary>
    /// A signed link for a screen: the same one for a path for <see cref="Reuse"/> (valid for at least the other half of its
    /// hour), so a re-render leaves the browser's picture alone. Kept in the memory cache, which drops it when it expires.
    /// </summary>
    public string PathAndQueryForScreens(string imagePath) =>
        cache.GetOrCreate((nameof(MediaUrls), imagePath), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Reuse;
            return PathAndQuery(imagePath);
        })!;

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
