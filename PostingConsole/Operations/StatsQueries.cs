using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Operations;

public sealed record DailyStats(DateOnly Date, int Published, int Failed, double? SuccessRate, IReadOnlyDictionary<FailureReason, int> Reasons);

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
            .Select(p => p.PublishedAt!.Value).ToListAsync(cancellationToken);
        var failed = await db.Posts.Where(p => p.Status == PostStatus.Failed && p.UpdatedAt >= fromUtc && p.UpdatedAt < toUtc)
            .Select(p => new { p.UpdatedAt, p.FailureReason }).ToListAsync(cancellationToken);

        var publishedByDay = published.GroupBy(Day).ToDictionary(g => g.Key, g => g.Count());
        var failedByDay = failed.GroupBy(f => Day(f.UpdatedAt)).ToDictionary(g => g.Key, g => g.ToList());
        var days = new List<DailyStats>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var ok = publishedByDay.GetValueOrDefault(day);
            var bad = failedByDay.GetValueOrDefault(day) ?? [];
            var reasons = bad.GroupBy(f => f.FailureReason ?? FailureReason.Unknown).ToDictionary(g => g.Key, g => g.Count());
            days.Add(new DailyStats(day, ok, bad.Count, ok + bad.Count == 0 ? null : Math.Round((double)ok / (ok + bad.Count), 4), reasons));
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
