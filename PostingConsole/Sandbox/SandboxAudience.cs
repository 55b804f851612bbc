using System.Text;
using PostingConsole.Domain;

namespace PostingConsole.Sandbox;

/// <summary>
/// The simulated audience of one Sandbox account (docs/insights.md#the-simulated-audience), drawn once from its id so every
/// console and every restart sees the same one. It lives in Korea (<see cref="Zone"/>) and has:
/// <list type="bullet">
/// <item>followers, and when they are online by hour of the day: a morning and an evening peak at hours of its own, on a low
/// night floor. Meta's <c>online_followers</c> shows this curve, with day-to-day noise;</item>
/// <item>an attention curve Meta does not show: how much of the audience online at an hour actually sees and engages (people
/// scroll past at some hours and linger at others), peaking at an hour of its own; and a day-of-week rhythm;</item>
/// <item>an engagement rate, and noise on every post (the same post reads the same at the same age).</item>
/// </list>
/// A post's reach is its followers × the share online at its hour × the attention at that hour × its day's rhythm × noise,
/// grown toward its total over its first hours. What a post achieves is only seen through its insights; the expected reach
/// (<see cref="ExpectedReach"/>) is what an oracle would know in advance, and nothing in the console reads it.
/// </summary>
public sealed class SandboxAudience
{
    /// <summary>Where the simulated followers live.</summary>
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    /// <summary>Followers below this: Meta shows no <c>online_followers</c> and answers a post's insights "not enough viewers".</summary>
    public const int SmallAudience = 100;

    private readonly double[] online = new double[24];
    private readonly double[] attention = new double[24];
    private readonly double[] day = new double[7];
    private readonly ulong seed;
    private readonly double noise;

    public int Followers { get; }

    /// <summary>Interactions per account reached.</summary>
    public double EngagementRate { get; }

    /// <summary>The hour (local) of the evening peak of followers online.</summary>
    public int EveningPeak { get; }

    /// <summary>The hour (local) at which the audience pays most attention.</summary>
    public double AttentionPeak { get; }

    private SandboxAudience(ulong seed, int? followers, int? eveningPeak, double? attentionPeak, double noise = 0.25)
    {
        this.seed = seed;
        this.noise = noise;
        var random = new Random(unchecked((int)seed));
        Followers = followers ?? (int)Math.Exp(random.NextDouble() * Math.Log(50_000.0 / 2_000) + Math.Log(2_000));
        EngagementRate = 0.03 + random.NextDouble() * 0.05;
        var morning = 7 + random.NextDouble() * 3;
        EveningPeak = eveningPeak ?? 18 + random.Next(0, 6);
        var morningWeight = 0.08 + random.NextDouble() * 0.2;
        var eveningWeight = 0.3 + random.NextDouble() * 0.3;
        AttentionPeak = attentionPeak ?? random.NextDouble() * 24;
        for (var h = 0; h < 24; h++)
        {
            online[h] = 0.05 + morningWeight * Bump(h, morning, 1.5) + eveningWeight * Bump(h, EveningPeak, 2.0);
            attention[h] = Math.Exp(0.35 * Math.Cos(2 * Math.PI * (h - AttentionPeak) / 24));
        }

        var dayPeak = random.Next(0, 7);
        for (var d = 0; d < 7; d++) day[d] = 1 + 0.12 * Math.Cos(2 * Math.PI * (d - dayPeak) / 7);
    }

    /// <summary>The account's audience, the same for the same id everywhere.</summary>
    public static SandboxAudience For(string igUserId) => new(Seed(igUserId), null, null, null);

    /// <summary>The account's audience with fewer than <see cref="SmallAudience"/> followers (the <c>SmallAudience</c> fault).</summary>
    public static SandboxAudience Small(string igUserId) => new(Seed(igUserId), 60, null, null);

    /// <summary>An audience with a given evening peak and attention (tests: "a persona whose audience peaks at 21:00").</summary>
    public static SandboxAudience Peaking(string igUserId, int eveningPeak, int followers = 10_000, double noise = 0.05) =>
        new(Seed(igUserId), followers, eveningPeak, eveningPeak, noise);

    private static ulong Seed(string text) => BitConverter.ToUInt64(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A circular bump around <paramref name="center"/> (hours), width <paramref name="width"/>.</summary>
    private static double Bump(int hour, double center, double width)
    {
        var distance = Math.Abs(hour - center);
        distance = Math.Min(distance, 24 - distance);
        return Math.Exp(-distance * distance / (2 * width * width));
    }

    private static DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>Share of the followers online at the local hour.</summary>
    public double OnlineShare(int localHour) => online[localHour];

    /// <summary>What a post published at <paramref name="publishedUtc"/> reaches in all, on average: the oracle's knowledge.</summary>
    public double ExpectedReach(DateTime publishedUtc)
    {
        var local = Local(publishedUtc);
        return Followers * 0.9 * online[local.Hour] * attention[local.Hour] * day[(int)local.DayOfWeek];
    }

    /// <summary>What Meta's insights say of one post at <paramref name="age"/> (the same post reads the same at the same age).</summary>
    public PostMetrics Metrics(string mediaId, DateTime publishedUtc, MediaType type, TimeSpan age)
    {
        var random = new Random(unchecked((int)(Seed(mediaId) ^ seed)));
        var total = ExpectedReach(publishedUtc) * LogNormal(random, noise);
        var rate = EngagementRate * LogNormal(random, noise * 0.6);
        var grown = 1 - Math.Exp(-Math.Max(0, age.TotalHours) / (type == MediaType.Stories ? 3 : 6));
        var reach = (int)Math.Round(total * grown);
        var interactions = reach * rate;
        var views = (int)Math.Round(reach * (1.3 + random.NextDouble() * 0.4));
        var shares = (int)Math.Round(interactions * 0.05);
        if (type == MediaType.Stories) return new PostMetrics(views, reach, null, null, null, shares, (int)Math.Round(interactions * 0.3));
        var likes = (int)Math.Round(interactions * 0.8);
        var comments = (int)Math.Round(interactions * 0.05);
        var saved = (int)Math.Round(interactions * 0.1);
        return new PostMetrics(views, reach, likes, comments, saved, shares, likes + comments + saved + shares);
    }

    /// <summary>
    /// Meta's <c>online_followers</c> for the last <paramref name="days"/> days: per day, its end (midnight in
    /// <paramref name="metaZone"/>) and followers online for each hour of that day, keyed by the hour in <paramref name="metaZone"/>.
    /// Empty for a small audience.
    /// </summary>
    public IReadOnlyList<(DateTime EndUtc, Dictionary<int, int> ByHour)> OnlineFollowers(DateTime nowUtc, TimeZoneInfo metaZone, int days = 7)
    {
        if (Followers < SmallAudience) return [];
        var result = new List<(DateTime, Dictionary<int, int>)>();
        var today = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc), metaZone).Date;
        for (var d = days; d >= 1; d--)
        {
            var date = today.AddDays(-d);
            var random = new Random(unchecked((int)seed) ^ date.DayOfYear);
            var hours = new Dictionary<int, int>();
            for (var h = 0; h < 24; h++)
            {
                var local = DateTime.SpecifyKind(date.AddHours(h), DateTimeKind.Unspecified);
                if (metaZone.IsInvalidTime(local)) continue;
                var audienceHour = Local(TimeZoneInfo.ConvertTimeToUtc(local, metaZone)).Hour;
                hours[h] = (int)Math.Round(Followers * online[audienceHour] * LogNormal(random, noise * 0.4));
            }

            result.Add((TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(date.AddDays(1), DateTimeKind.Unspecified), metaZone), hours));
        }

        return result;
    }

    private static double LogNormal(Random random, double sigma)
    {
        // Box–Muller: one standard normal draw.
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        var normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Exp(sigma * normal - sigma * sigma / 2);
    }
}
