using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Domain;

namespace PostingConsole.Publishing;

/// <summary>
/// When a published post's insights are read (docs/insights.md#when): at each of <c>Insights:ReadAfter</c>'s ages; a Story's
/// before its 24 hours end (its metrics go with it). A read made late (the console was down at the age) covers every age it is
/// past, so it happens once. In Sandbox mode the ages are divided by <c>Sandbox:InsightsSpeedup</c> (the simulated audience ages
/// as fast; 720 with the demo), so the demo shows reads within minutes. A read due soon rides along with its account's read due now
/// (<see cref="FireNow"/>).
/// </summary>
public sealed class InsightsSchedule(IOptions<InsightsOptions> insights, IOptions<GraphOptions> graph, IOptions<SandboxOptions> sandbox)
{
    /// <summary>A Story's insights live this long on Meta.</summary>
    public static readonly TimeSpan StoryLife = TimeSpan.FromHours(24);

    /// <summary>A Story is read this long before its insights go.</summary>
    private static readonly TimeSpan StoryMargin = TimeSpan.FromHours(1);

    /// <summary>How much faster than real time a post ages (Sandbox's <c>InsightsSpeedup</c>; 1 in Live mode).</summary>
    public double Speedup => graph.Value.Mode == GraphMode.Sandbox ? sandbox.Value.EffectiveInsightsSpeedup : 1;

    public bool Enabled => insights.Value.Enabled;

    /// <summary>The ages a post of <paramref name="type"/> is read at, in order (scaled in Sandbox mode).</summary>
    public IReadOnlyList<TimeSpan> Ages(MediaType type)
    {
        var ages = insights.Value.Ages.ToList();
        if (type == MediaType.Stories)
        {
            var last = StoryLife - StoryMargin;
            ages = ages.Select(a => a < last ? a : last).Distinct().ToList();
        }

        return ages.Select(a => a / Speedup).ToList();
    }

    /// <summary>A read due this soon, as a share of its age, is made with another read of its account due now.</summary>
    public const double RideAlongShare = 0.25;

    /// <summary>The furthest ahead any read rides along.</summary>
    public TimeSpan LongestRideAlong => Ages(MediaType.Image)[^1] * RideAlongShare;

    /// <summary>When a read may be made: its due time ± a quarter of its age (a 24 h read from 18 h to 30 h, a 72 h read from 54 h to 90 h).</summary>
    public ReadWindow Window(MediaType type, int agesRead, DateTime dueAt)
    {
        var ages = Ages(type);
        var slack = (agesRead < ages.Count ? ages[agesRead] : ages[^1]) * RideAlongShare;
        // A Story's metrics go with it at 24 h: it may be read early, never late.
        return new ReadWindow(dueAt, dueAt - slack, type == MediaType.Stories ? dueAt : dueAt + slack);
    }

    /// <summary>
    /// Whether an account's pending reads (<paramref name="windows"/>) are read now, in one call with every read whose window is
    /// open. Not before the earliest is due; then at once, unless other reads' windows open before the earliest's closes: then at
    /// the last of those openings (still within the earliest's window), so one call takes them all. A read alone is read on time.
    /// </summary>
    public static bool FireNow(IReadOnlyList<ReadWindow> windows, DateTime now)
    {
        if (windows.Count == 0) return false;
        var first = windows.MinBy(w => w.Due)!;
        if (first.Due > now) return false;
        var along = windows.Where(w => w.Opens <= first.Closes).ToList();
        var at = along.Max(w => w.Opens);
        if (at < first.Due) at = first.Due;
        return now >= at || now >= along.Min(w => w.Closes);
        // (A Story's window closes at its due time, so a read with one in it is never put off.)
    }

    /// <summary>When a post published at <paramref name="publishedAt"/> is first read; null when insights are off.</summary>
    public DateTime? FirstReadAt(MediaType type, DateTime publishedAt) => Enabled ? publishedAt + Ages(type)[0] : null;

    /// <summary>
    /// After a read at <paramref name="now"/> of a post that had <paramref name="agesRead"/> ages read: how many ages it covers (every
    /// age its age is past, at least one more) and when the next read is (null: none left).
    /// </summary>
    public (int AgesRead, DateTime? NextReadAt) AfterRead(MediaType type, DateTime publishedAt, int agesRead, DateTime now)
    {
        var ages = Ages(type);
        var age = now - publishedAt;
        var covered = Math.Max(agesRead + 1, ages.Count(a => a <= age));
        return covered >= ages.Count ? (ages.Count, null) : (covered, publishedAt + ages[covered]);
    }
}

/// <summary>A read's due time and the window it may be made in.</summary>
public sealed record ReadWindow(DateTime Due, DateTime Opens, DateTime Closes);
