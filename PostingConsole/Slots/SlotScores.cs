using PostingConsole.Domain;

namespace PostingConsole.Slots;

/// <summary>One post's result as the learner sees it: when it went out, and its engagement relative to its persona's usual (1 = usual).</summary>
public sealed record SlotObservation(int HourOfWeek, double Value);

/// <summary>
/// A persona's score for each hour of the week (docs/insights.md#learned-slots): what a post at that hour is expected to achieve
/// against the persona's usual (1 = usual). Hour of the week = day (Sunday 0) × 24 + hour, in the persona's own time zone.
/// </summary>
public sealed class SlotScores
{
    public const int Hours = 7 * 24;

    /// <summary>Own evidence (weighted posts) about an hour of the day before the scores call it learned.</summary>
    public const double LearnedEvidence = 3;

    private readonly double[] scores;
    private readonly double[] dayEvidence;
    private readonly int[] posts;

    internal SlotScores(double[] scores, double[] dayEvidence, int[] posts, bool hasAudience, bool hasFleet)
    {
        this.scores = scores;
        this.dayEvidence = dayEvidence;
        this.posts = posts;
        HasAudience = hasAudience;
        HasFleet = hasFleet;
    }

    /// <summary>Nothing known: every hour scores 1.</summary>
    public static SlotScores Flat { get; } = new(Enumerable.Repeat(1.0, Hours).ToArray(), new double[24], new int[Hours], false, false);

    public bool HasAudience { get; }
    public bool HasFleet { get; }

    public double Score(int hourOfWeek) => scores[hourOfWeek];

    /// <summary>The persona's own posts at this hour of the week.</summary>
    public int Posts(int hourOfWeek) => posts[hourOfWeek];

    /// <summary>How much of the persona's own results speak for this hour of the day (posts at it, and half of those an hour either side).</summary>
    public double Evidence(int hourOfWeek) => dayEvidence[hourOfWeek % 24];

    /// <summary>Why an hour scores as it does: its own results, else its audience online, else the fleet's results.</summary>
    public SlotReason ReasonFor(int hourOfWeek) =>
        Evidence(hourOfWeek) >= LearnedEvidence ? SlotReason.Learned
        : HasAudience ? SlotReason.Audience
        : HasFleet ? SlotReason.Fleet
        : SlotReason.Unknown;

    public static int HourOfWeek(DateTime local) => (int)local.DayOfWeek * 24 + local.Hour;
}

/// <summary>
/// Learns a persona's <see cref="SlotScores"/> (docs/insights.md#learned-slots): its own posts' engagement, normalised for its
/// level (a post's engagement over the persona's mean: reach and engagement per reach in one number), pooled by hour of the day
/// (an hour's neighbours count half) and then by hour of the week, each shrunk toward a prior while its own data is thin. The
/// prior is the persona's followers online by hour (Meta's <c>online_followers</c>) and the fleet's results by hour of the week.
/// Pure: the slot service and the benchmark call it with what Meta's insights said, nothing else.
/// </summary>
public static class SlotLearner
{
    /// <summary>Posts' worth of weight the prior carries against an hour of the day's own results.</summary>
    public const double DayShrink = 3;

    /// <summary>Posts' worth of weight the hour-of-day estimate carries against an hour of the week's own results.</summary>
    public const double WeekShrink = 4;

    /// <summary>Each result over the mean of them (1 = usual); all ones when the mean is zero.</summary>
    public static double[] Relative(IReadOnlyList<double> engagement)
    {
        var mean = engagement.Count == 0 ? 0 : engagement.Average();
        return engagement.Select(e => mean > 0 ? e / mean : 1).ToArray();
    }

    public static SlotScores Learn(IReadOnlyList<SlotObservation> own, IReadOnlyList<int>? onlineFollowers, IReadOnlyList<double>? fleet)
    {
        var hasAudience = onlineFollowers is { Count: 24 } && onlineFollowers.Sum() > 0;
        var audience = hasAudience ? Normalise(onlineFollowers!.Select(f => (double)f).ToArray()) : null;
        var hasFleet = fleet is { Count: SlotScores.Hours };
        var prior = new double[SlotScores.Hours];
        for (var h = 0; h < SlotScores.Hours; h++)
        {
            prior[h] = (audience, hasFleet) switch
            {
                ({ } a, true) => (a[h % 24] + fleet![h]) / 2,
                ({ } a, false) => a[h % 24],
                (null, true) => fleet![h],
                _ => 1,
            };
        }

        var priorDay = Enumerable.Range(0, 24).Select(h => Enumerable.Range(0, 7).Average(d => prior[d * 24 + h])).ToArray();

        // By hour of the day: posts at the hour count fully, an hour either side half.
        var daySum = new double[24];
        var dayWeight = new double[24];
        var weekSum = new double[SlotScores.Hours];
        var weekWeight = new double[SlotScores.Hours];
        var posts = new int[SlotScores.Hours];
        foreach (var o in own)
        {
            posts[o.HourOfWeek]++;
            var hour = o.HourOfWeek % 24;
            foreach (var (offset, w) in Kernel)
            {
                var h = (hour + offset + 24) % 24;
                daySum[h] += w * o.Value;
                dayWeight[h] += w;
                var hw = (o.HourOfWeek + offset + SlotScores.Hours) % SlotScores.Hours;
                weekSum[hw] += w * o.Value;
                weekWeight[hw] += w;
            }
        }

        var day = Enumerable.Range(0, 24).Select(h => (daySum[h] + DayShrink * priorDay[h]) / (dayWeight[h] + DayShrink)).ToArray();
        var scores = new double[SlotScores.Hours];
        for (var h = 0; h < SlotScores.Hours; h++)
        {
            // The day's estimate, with the prior's own day-of-week shape, is what this hour of the week shrinks toward.
            var shape = priorDay[h % 24] > 0 ? prior[h] / priorDay[h % 24] : 1;
            scores[h] = (weekSum[h] + WeekShrink * day[h % 24] * shape) / (weekWeight[h] + WeekShrink);
        }

        return new SlotScores(scores, dayWeight, posts, hasAudience, hasFleet);
    }

    /// <summary>The fleet's prior: every persona's relative results pooled by hour of the week (an hour's neighbours half), shrunk toward 1.</summary>
    public static double[] Fleet(IEnumerable<SlotObservation> observations)
    {
        var sum = new double[SlotScores.Hours];
        var weight = new double[SlotScores.Hours];
        foreach (var o in observations)
        {
            foreach (var (offset, w) in Kernel)
            {
                var h = (o.HourOfWeek + offset + SlotScores.Hours) % SlotScores.Hours;
                sum[h] += w * o.Value;
                weight[h] += w;
            }
        }

        return Enumerable.Range(0, SlotScores.Hours).Select(h => (sum[h] + WeekShrink * 1) / (weight[h] + WeekShrink)).ToArray();
    }

    private static readonly (int Offset, double Weight)[] Kernel = [(-1, 0.5), (0, 1), (1, 0.5)];

    private static double[] Normalise(double[] values)
    {
        var mean = values.Average();
        return values.Select(v => mean > 0 ? v / mean : 1).ToArray();
    }
}
