using System.Collections.Concurrent;
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

    /// <summary>
    /// How long one link is handed out again: a protected token differs on every call, and a screen re-rendered with a new
    /// link makes every open browser fetch and decode the picture again (24 thumbnails per tab for each change on the queue).
    /// Half the lifetime, so a link handed out still works for at least half an hour.
    /// </summary>
    public static readonly TimeSpan Reuse = Lifetime / 2;

    private readonly ITimeLimitedDataProtector protector =
        protection.CreateProtector("PostingConsole.MediaUrl.v1").ToTimeLimitedDataProtector();

    /// <summary>
    /// The clock of the reuse window: the system's, as the links' expiry and Data Protection's check of it are (not business
    /// time, which tests may freeze or speed up). Tests set another.
    /// </summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    private readonly ConcurrentDictionary<string, (string Link, DateTimeOffset Until)> issued = new(StringComparer.Ordinal);
    private long nextPruneTicks;

    /// <summary>How many links are kept for handing out again (tests read this).</summary>
    internal int Kept => issued.Count;

    /// <summary>The path and query of a new signed link, relative to the site root (no leading slash), valid for the whole <see cref="Lifetime"/>: for Meta's fetcher.</summary>
    public string PathAndQuery(string imagePath) =>
        "media/" + string.Join('/', imagePath.Split('/').Select(Uri.EscapeDataString))
        + $"?{TokenParameter}=" + Uri.EscapeDataString(protector.Protect(imagePath, Lifetime)); // expiry on the system clock, as Unprotect checks it

    /// <summary>
    /// A signed link for a screen: the same one for a path for <see cref="Reuse"/> (valid for at least the other half of its
    /// hour), so a re-render leaves the browser's picture alone.
    /// </summary>
    public string PathAndQueryForScreens(string imagePath)
    {
        var now = Clock.GetUtcNow();
        if (issued.TryGetValue(imagePath, out var link) && link.Until > now) return link.Link;

        PruneStale(now);
        var fresh = PathAndQuery(imagePath);
        issued[imagePath] = (fresh, now + Reuse);
        return fresh;
    }

    /// <summary>Drops links no longer handed out, at most once per <see cref="Reuse"/>: the map holds the pictures shown lately.</summary>
    private void PruneStale(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref nextPruneTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref nextPruneTicks, (now + Reuse).UtcTicks, next) != next) return;
        foreach (var (path, link) in issued)
        {
            if (link.Until <= now) issued.TryRemove(new KeyValuePair<string, (string, DateTimeOffset)>(path, link));
        }
    }

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
