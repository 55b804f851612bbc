using PostingConsole.Domain;

namespace PostingConsole.Slots;

/// <summary>What the planner knows of a persona when it places a post: its clock and window, its limits, its posts, the fleet's minutes, its scores.</summary>
/// <param name="PersonaPosts">The persona's other posts' times (UTC): upcoming ones and those published in the last day.</param>
/// <param name="FleetMinutes">Minutes (UTC, whole) another persona's post already starts at: a slot never shares one.</param>
public sealed record SlotFacts(
    TimeZoneInfo Zone,
    TimeOnly? WindowFrom,
    TimeOnly? WindowTo,
    IReadOnlyList<DateTime> PersonaPosts,
    IReadOnlySet<DateTime> FleetMinutes,
    SlotScores Scores,
    TimeSpan MinInterval,
    int HourlyLimit,
    int DailyQuota);

/// <summary>A free time in a range, with its hour's score and why it scores so.</summary>
public sealed record SlotCandidate(DateTime At, int HourOfWeek, double Score, SlotReason Reason);

/// <summary>
/// Places a post in the best free time of a range (docs/insights.md#learned-slots): inside the persona's posting window, at least
/// <c>Posting:MinIntervalPerPersona</c> (and a minute) from its other posts, within the hourly limit and the moving 24 hours'
/// quota, and never the same minute as another persona's post (the fleet is spread across the hour). Most posts take the
/// hour with the best score; a share (<c>Slots:ExploreShare</c>) goes to the least-known of the better half of the free hours,
/// so the scores keep learning without spending posts on hours nobody is online. Pure: the slot service and the benchmark call it.
/// </summary>
public static class SlotPlanner
{
    /// <summary>Two posts of one persona are never closer than this, even with <c>MinIntervalPerPersona</c> off.</summary>
    public static readonly TimeSpan LeastGap = TimeSpan.FromMinutes(1);

    /// <summary>Every free time in the range, one per local hour (its first free minute), in time order.</summary>
    public static IEnumerable<SlotCandidate> Candidates(DateTime fromUtc, DateTime toUtc, SlotFacts facts)
    {
        var start = Ceiling(fromUtc);
        var localStart = Local(start, facts.Zone);
        var hour = new DateTime(localStart.Year, localStart.Month, localStart.Day, localStart.Hour, 0, 0, DateTimeKind.Unspecified);
        for (; ; hour = hour.AddHours(1))
        {
            if (facts.Zone.IsInvalidTime(hour)) continue;
            var hourUtc = TimeZoneInfo.ConvertTimeToUtc(hour, facts.Zone);
            if (hourUtc >= toUtc) yield break;
            var hourOfWeek = SlotScores.HourOfWeek(hour);
            for (var minute = 0; minute < 60; minute++)
            {
                var at = hourUtc.AddMinutes(minute);
                if (at < start) continue;
                if (at >= toUtc) yield break;
                if (!Fits(at, facts)) continue;
                yield return new SlotCandidate(at, hourOfWeek, facts.Scores.Score(hourOfWeek), facts.Scores.ReasonFor(hourOfWeek));
                break;
            }
        }
    }

    /// <summary>Whether a post of the persona may start at <paramref name="at"/>: window, spacing, hourly limit, quota, a minute of its own.</summary>
    public static bool Fits(DateTime at, SlotFacts facts)
    {
        if (facts.FleetMinutes.Contains(at)) return false;
        if (PostingWindow.OpensAt(facts.WindowFrom, facts.WindowTo, facts.Zone.Id, at) is not null) return false;
        var gap = facts.MinInterval > LeastGap ? facts.MinInterval : LeastGap;
        if (facts.PersonaPosts.Any(other => (other - at).Duration() < gap)) return false;
        return !Full(at, facts.PersonaPosts, TimeSpan.FromHours(1), facts.HourlyLimit) && !Full(at, facts.PersonaPosts, TimeSpan.FromHours(24), facts.DailyQuota);
    }

    /// <summary>
    /// Whether some moving window of <paramref name="span"/> holding <paramref name="at"/> already holds <paramref name="limit"/> of
    /// the other posts (the fullest such window starts at <paramref name="at"/> or at one of them).
    /// </summary>
    private static bool Full(DateTime at, IReadOnlyList<DateTime> others, TimeSpan span, int limit)
    {
        var near = others.Where(o => o > at - span && o < at + span).Order().ToList();
        if (near.Count < limit) return false;
        foreach (var start in near.Where(o => o <= at).Append(at))
        {
            if (near.Count(o => o >= start && o < start + span) >= limit) return true;
        }

        return false;
    }

    /// <summary>
    /// The time for one post in the range: the best-scoring free hour (the earliest of equals), or, when <paramref name="explore"/>,
    /// the least-known of the better half. Null when the range has no free time.
    /// </summary>
    public static SlotCandidate? Pick(DateTime fromUtc, DateTime toUtc, SlotFacts facts, bool explore)
    {
        var candidates = Candidates(fromUtc, toUtc, facts).ToList();
        if (candidates.Count == 0) return null;
        if (!explore)
        {
            // Max by score; the earliest of equal scores.
            var best = candidates[0];
            foreach (var c in candidates.Skip(1)) if (c.Score > best.Score + 1e-9) best = c;
            return best;
        }

        var median = candidates.Select(c => c.Score).Order().ElementAt(candidates.Count / 2);
        var better = candidates.Where(c => c.Score >= median).ToList();
        var leastKnown = better.MinBy(c => (facts.Scores.Evidence(c.HourOfWeek), facts.Scores.Posts(c.HourOfWeek), -c.Score))!;
        return leastKnown with { Reason = SlotReason.Explore };
    }

    /// <summary>The best free times of the range, one per hour, best first (the slots API's <c>next</c>).</summary>
    public static IReadOnlyList<SlotCandidate> Best(DateTime fromUtc, DateTime toUtc, SlotFacts facts, int count) =>
        Candidates(fromUtc, toUtc, facts).OrderByDescending(c => c.Score).ThenBy(c => c.At).Take(count).ToList();

    private static DateTime Ceiling(DateTime utc)
    {
        var whole = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc);
        return whole < utc ? whole.AddMinutes(1) : whole;
    }

    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
}
