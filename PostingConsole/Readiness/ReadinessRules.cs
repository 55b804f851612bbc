using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Publishing;

namespace PostingConsole.Readiness;

/// <summary>An upcoming post as the capacity plan sees it: when it is due, in order.</summary>
public sealed record PlannedPost(int PostId, DateTime DueAt);

/// <summary>A checked post, as the duplicate check sees it: whose, when, its picture's fingerprint and its caption's key.</summary>
public sealed record NearbyPost(int PostId, int PersonaId, string PersonaName, DateTime At, ImageFingerprint? Image, string? CaptionKey);

/// <summary>
/// The readiness check's decisions, as pure functions from facts to problems (docs/readiness.md): what the persona's state and
/// token say, which upcoming posts do not fit the moving 24 hours or the hour, what counts as the same caption, and which
/// nearby posts are duplicates. <see cref="ReadinessPass"/> gathers the facts and stores the verdicts; the engine acts on them
/// through <c>PostingRules.NotReady</c>.
/// </summary>
public static class ReadinessRules
{
    /// <summary>Media is fetched again when its last check is this old (a CDN link can die), and once more within <see cref="FinalCheckBefore"/> of the post's time.</summary>
    public static readonly TimeSpan MediaRecheck = TimeSpan.FromHours(6);

    /// <summary>The last check before a post is due starts this long before its time (what the engine trusts of media at the minute).</summary>
    public static readonly TimeSpan FinalCheckBefore = PostingRules.ReadinessFinalLook;

    /// <summary>A caption shorter than this (normalised) is too common to be a duplicate ("좋은 아침!").</summary>
    public const int MinCaptionKeyLength = 12;

    /// <summary>Whether a post's media must be fetched again: never checked, another content, an old check, or the last minutes before it is due.</summary>
    public static bool MediaCheckDue(PostReadiness? last, string contentKey, DateTime dueAt, DateTime now) =>
        last is null || last.ContentKey != contentKey || last.MediaCheckedAt < now - MediaRecheck
        || (dueAt - now <= FinalCheckBefore && last.MediaCheckedAt < dueAt - FinalCheckBefore);

    /// <summary>The persona's problems for a post due at <paramref name="dueAt"/>: its status, its token (Meta's <c>debug_token</c>), its posting window.</summary>
    public static List<ReadinessProblem> PersonaProblems(Persona persona, DateTime dueAt, ReadinessOptions options, DateTime now)
    {
        var problems = new List<ReadinessProblem>();
        switch (persona.Status)
        {
            case PersonaStatus.NeedsReauth:
                problems.Add(new ReadinessProblem(ReadinessCode.TokenInvalid, Detail: persona.StatusReason, Blocks: true));
                return problems;
            case PersonaStatus.Paused or PersonaStatus.Suspended:
                problems.Add(new ReadinessProblem(ReadinessCode.PersonaNotActive, Detail: persona.Status.ToString(), Blocks: true));
                return problems;
        }

        if (persona.TokenKnown)
        {
            if (persona.TokenScopes is { } scopes && !scopes.Split(',').Contains(Publishing.Graph.TokenInfo.PublishScope))
                problems.Add(new ReadinessProblem(ReadinessCode.PermissionMissing, Detail: Publishing.Graph.TokenInfo.PublishScope, Blocks: true));
            if (persona.TokenHorizon is { } horizon)
            {
                if (horizon <= dueAt)
                    problems.Add(new ReadinessProblem(ReadinessCode.TokenInvalid, Detail: $"expires {Iso(horizon)}, before the post is due", Blocks: true));
                else if (horizon - now <= options.TokenExpiryWarning)
                    problems.Add(new ReadinessProblem(ReadinessCode.TokenExpiring, Detail: $"expires {Iso(horizon)}"));
            }
        }

        if (PostingWindow.OpensAt(persona.WindowFrom, persona.WindowTo, persona.TimeZone, dueAt) is { } opens)
            problems.Add(new ReadinessProblem(ReadinessCode.OutsideWindow, Detail: $"starts at {Iso(opens)}"));
        return problems;
    }

    /// <summary>
    /// The capacity plan of one persona: its upcoming posts in due order against the moving 24 hours (Meta's <c>quota_total</c>,
    /// counting the publishes already in the window) and the hourly limit. A post that does not fit is named; it does not count
    /// against the posts after it (it will not go out at its time). Returns each post that does not fit with its problem.
    /// </summary>
    public static Dictionary<int, ReadinessProblem> Capacity(IReadOnlyList<PlannedPost> upcoming, IReadOnlyList<DateTime> publishedLast24h,
        int? quotaTotal, int hourlyLimit)
    {
        var over = new Dictionary<int, ReadinessProblem>();
        var going = publishedLast24h.Order().ToList();
        foreach (var post in upcoming.OrderBy(p => p.DueAt).ThenBy(p => p.PostId))
        {
            var inDay = going.Count(t => t > post.DueAt.AddHours(-24) && t <= post.DueAt);
            if (quotaTotal is { } total and > 0 && inDay >= total)
            {
                over[post.PostId] = new ReadinessProblem(ReadinessCode.OverQuota, Detail: $"{inDay}/{total} posts in the 24 hours before it", Blocks: true);
                continue;
            }

            var hour = going.Where(t => t > post.DueAt.AddHours(-1) && t <= post.DueAt).Order().ToList();
            if (hour.Count >= hourlyLimit)
            {
                // The dispatcher defers it on its own until the hour has room (a warning, named so the operator can spread the
                // hour); it still takes a place in the day, at the time it goes.
                over[post.PostId] = new ReadinessProblem(ReadinessCode.OverHourlyLimit, Detail: $"{hour.Count}/{hourlyLimit} posts in the hour before it");
                going.Add(hour[hour.Count - hourlyLimit].AddHours(1));
                continue;
            }

            going.Add(post.DueAt);
        }

        return over;
    }

    /// <summary>
    /// The caption as a duplicate check compares it: Unicode-normalised, lower case, letters and digits only (punctuation, emoji,
    /// spacing and line breaks do not make a caption new), hashed. Null when too short to count.
    /// </summary>
    public static string? CaptionKey(string finalCaption)
    {
        var normalized = finalCaption.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var letters = new StringBuilder(normalized.Length);
        foreach (var c in normalized.Where(char.IsLetterOrDigit)) letters.Append(c);
        if (letters.Length < MinCaptionKeyLength) return null;
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(letters.ToString())))[..32];
    }

    /// <summary>
    /// A duplicate of <paramref name="other"/> (the same image or caption on another persona within <c>Readiness:DuplicateWindow</c>).
    /// Under <c>Hold</c> the later of the two is blocked (the earlier goes out); under <c>Warn</c> both are warned.
    /// </summary>
    public static ReadinessProblem Duplicate(ReadinessCode code, NearbyPost other, int postId, DateTime at, ReadinessOptions options)
    {
        var later = at > other.At || (at == other.At && postId > other.PostId);
        return new ReadinessProblem(code, code == ReadinessCode.DuplicateImage ? "media" : "caption",
            $"post #{other.PostId} of {other.PersonaName} at {Iso(other.At)}", Blocks: later && options.DuplicatePolicy == DuplicatePolicy.Hold);
    }

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
}
