using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Operations;

public sealed record DailyStats(DateOnly Date, int Published, int Failed, double? SuccessRate, IReadOnlyDictionary<FailureReason, int> Reasons,
    IReadOnlyDictionary<MediaType, MediaTypeStats> MediaTypes);

/// <summary>One media type's outcomes on a day (stats split by media type).</summary>
public sealed record MediaTypeStats(int Published, int Failed);

/// <summary>
/// Daily outcomes (api.md <c>GET /api/stats/daily</c>; the spec's success-rate monitoring), by the operator's
/// calendar day (<c>Console:TimeZone</c>): a post counts on the day it ended — published, or failed with no
/// automatic retry left — and the reasons are those of that day's failures.
/// </summary>
public sealed class StatsQueries(IDbContextFactory<PostingDbContext> contextFactory, ConsoleClock clock)
{
    public const int MaxDays = 366;

    public async Task<IReadOnlyList<DailyStats>> DailyAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var fromUtc = clock.ToUtc(from.ToDateTime(TimeOnly.MinValue));
        var toUtc = clock.ToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue));
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var published = await db.Posts.Where(p => p.PublishedAt >= fromUtc && p.PublishedAt < toUtc)
            .Select(p => new { At = p.PublishedAt!.Value, p.MediaType }).ToListAsync(cancellationToken);
        var failed = await db.Posts.Where(p => p.Status == PostStatus.Failed && p.UpdatedAt >= fromUtc && p.UpdatedAt < toUtc)
            .Select(p => new { p.UpdatedAt, p.FailureReason, p.MediaType }).ToListAsync(cancellationToken);

        var publishedByDay = published.GroupBy(p => Day(p.At)).ToDictionary(g => g.Key, g => g.ToList());
        var failedByDay = failed.GroupBy(f => Day(f.UpdatedAt)).ToDictionary(g => g.Key, g => g.ToList());
        var days = new List<DailyStats>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var good = publishedByDay.GetValueOrDefault(day) ?? [];
            var bad = failedByDay.GetValueOrDefault(day) ?? [];
            var ok = good.Count;
            var reasons = bad.GroupBy(f => f.FailureReason ?? FailureReason.Unknown).ToDictionary(g => g.Key, g => g.Count());
            var byType = good.Select(p => p.MediaType).Concat(bad.Select(f => f.MediaType)).Distinct()
                .ToDictionary(t => t, t => new MediaTypeStats(good.Count(p => p.MediaType == t), bad.Count(f => f.MediaType == t)));
            days.Add(new DailyStats(day, ok, bad.Count, ok + bad.Count == 0 ? null : Math.Round((double)ok / (ok + bad.Count), 4), reasons, byType));
        }

        return days;
    }

    /// <summary>Posts published in each hour (0–23, operator's time) of <paramref name="day"/>.</summary>
    public async Task<IReadOnlyList<int>> PublishedByHourAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var fromUtc = clock.ToUtc(day.ToDateTime(TimeOnly.MinValue));
        var toUtc = clock.ToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue));
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var published = await db.Posts.Where(p => p.PublishedAt >= fromUtc && p.PublishedAt < toUtc)
            .Select(p => p.PublishedAt!.Value).ToListAsync(cancellationToken);
        var hours = new int[24];
        foreach (var at in published) hours[clock.ToLocal(at).Hour]++;
        return hours;
    }

    /// <summary>The operator's today.</summary>
    public DateOnly Today(DateTime nowUtc) => Day(nowUtc);

    private DateOnly Day(DateTime utc) => DateOnly.FromDateTime(clock.ToLocal(utc));
}
