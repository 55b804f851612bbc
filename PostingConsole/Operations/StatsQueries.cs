using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Operations;

public sealed record DailyStats(DateOnly Date, int Published, int Failed, double? SuccessRate, IReadOnlyDictionary<FailureReason, int> Reasons,
    IReadOnlyDictionary<MediaType, MediaTypeStats> MediaTypes);

/// <summary>One media type's outcomes on a day (stats split by media type).</summary>
public sealed record MediaTypeStats(int Published, int Failed);

/// <summary>
/// Daily outcomes (<c>GET /api/stats/daily</c>; the spec's success-rate monitoring), by the operator's
/// calendar day (<c>Console:TimeZone</c>): a post counts on the day it ended — published, or failed with no
/// automatic retry left — and the reasons are those of that day's failures.
/// </summary>
public sealed class StatsQueries(IDbContextFactory<PostingDbContext> contextFactory, ConsoleClock clock)
{
    public const int MaxDays = 366;

    public async Task<IReadOnlyList<DailyStats>> DailyAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var hours = await HoursAsync(from, to, cancellationToken);
        var byDay = hours.GroupBy(h => Day(h.Hour)).ToDictionary(g => g.Key, g => g.ToList());
        var days = new List<DailyStats>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var counts = byDay.GetValueOrDefault(day) ?? [];
            var good = counts.Where(c => c.Outcome == PostHourlyCount.Published).ToList();
            var bad = counts.Where(c => c.Outcome == PostHourlyCount.Failed).ToList();
            var ok = good.Sum(c => c.Count);
            var failed = bad.Sum(c => c.Count);
            var reasons = bad.GroupBy(c => Enum.TryParse<FailureReason>(c.FailureReason, out var reason) ? reason : FailureReason.Unknown)
                .Where(g => g.Sum(c => c.Count) > 0).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
            var byType = counts.Where(c => c.Count > 0).Select(c => c.MediaType).Distinct()
                .ToDictionary(t => t, t => new MediaTypeStats(good.Where(c => c.MediaType == t).Sum(c => c.Count), bad.Where(c => c.MediaType == t).Sum(c => c.Count)));
            days.Add(new DailyStats(day, ok, failed, ok + failed == 0 ? null : Math.Round((double)ok / (ok + failed), 4), reasons, byType));
        }

        return days;
    }

    /// <summary>Posts published in each hour (0–23, operator's time) of <paramref name="day"/>.</summary>
    public async Task<IReadOnlyList<int>> PublishedByHourAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var hours = new int[24];
        foreach (var count in await HoursAsync(day, day, cancellationToken))
        {
            if (count.Outcome == PostHourlyCount.Published) hours[clock.ToLocal(count.Hour).Hour] += count.Count;
        }

        return hours;
    }

    /// <summary>
    /// The hourly counts (<see cref="PostHourlyCount"/>, kept by the database as posts change) of the operator's days
    /// <paramref name="from"/> to <paramref name="to"/>: at most 24 rows an outcome, media type and reason a day, whatever the history.
    /// </summary>
    private async Task<List<PostHourlyCount>> HoursAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var fromUtc = clock.ToUtc(from.ToDateTime(TimeOnly.MinValue));
        var toUtc = clock.ToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue));
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var sums = await db.PostHourlyCounts.Where(c => c.Hour >= fromUtc && c.Hour < toUtc)
            .GroupBy(c => new { c.Hour, c.Outcome, c.MediaType, c.FailureReason })
            .Select(g => new { g.Key, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken);
        return [.. sums.Where(s => s.Count != 0).Select(s => new PostHourlyCount
        {
            Hour = s.Key.Hour, Outcome = s.Key.Outcome, MediaType = s.Key.MediaType, FailureReason = s.Key.FailureReason, Count = s.Count,
        })];
    }

    /// <summary>The operator's today.</summary>
    public DateOnly Today(DateTime nowUtc) => Day(nowUtc);

    private DateOnly Day(DateTime utc) => DateOnly.FromDateTime(clock.ToLocal(utc));
}
