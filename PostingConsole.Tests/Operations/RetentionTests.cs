using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Operations;

/// <summary><c>Retention:DetailsFor</c>: old details go, the posts and the figures built on them stay.</summary>
public class RetentionTests
{
    [Fact]
    public async Task Old_attempt_logs_and_log_lines_go_failed_posts_keep_theirs_and_the_statistics_stay_the_same()
    {
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { ["Retention:DetailsFor"] = "30.00:00:00" });
        var now = DateTime.UtcNow;
        var personas = await PostHistory.AddPersonasAsync(app.CreateDbContext, 3, now);
        // 60 days of history: half of it is older than the setting.
        await PostHistory.AddPastAsync(app.CreateDbContext, personas, 2 * RetentionSweep.BatchSize + 300, TimeSpan.FromDays(60), now, failedShare: 0.1);
        await using (var db = app.CreateDbContext())
        {
            db.ActivityLog.Add(new ActivityLogEntry { At = now.AddDays(-45), Level = ActivityLevel.Info, Message = "old" });
            db.ActivityLog.Add(new ActivityLogEntry { At = now.AddDays(-1), Level = ActivityLevel.Info, Message = "new" });
            await db.SaveChangesAsync();
        }

        var stats = app.GetService<StatsQueries>();
        var today = stats.Today(now);
        var before = Figures(await stats.DailyAsync(today.AddDays(-61), today, CancellationToken.None));
        int posts;
        await using (var db = app.CreateDbContext()) posts = await db.Posts.CountAsync();

        var removed = await app.GetService<RetentionSweep>().RunAsync(CancellationToken.None);

        removed.ShouldBeGreaterThan(RetentionSweep.BatchSize); // more than one batch
        await using (var db = app.CreateDbContext())
        {
            var cutoff = now.AddDays(-30);
            (await db.PostAttempts.CountAsync(a => a.At < cutoff && db.Posts.Any(p => p.Id == a.PostId && p.Status == PostStatus.Published))).ShouldBe(0);
            (await db.PostAttempts.CountAsync(a => a.At < cutoff && db.Posts.Any(p => p.Id == a.PostId && p.Status == PostStatus.Failed))).ShouldBeGreaterThan(0);
            (await db.PostAttempts.CountAsync(a => a.At >= cutoff)).ShouldBeGreaterThan(0);
            (await db.ActivityLog.Select(l => l.Message).ToListAsync()).ShouldBe(["new"]);
            (await db.Posts.CountAsync()).ShouldBe(posts);
        }

        Figures(await stats.DailyAsync(today.AddDays(-61), today, CancellationToken.None)).ShouldBe(before);
        (await app.GetService<RetentionSweep>().RunAsync(CancellationToken.None)).ShouldBe(0);
    }

    private static List<string> Figures(IEnumerable<DailyStats> days) =>
        [.. days.Select(d => $"{d.Date}: {d.Published}/{d.Failed} {string.Join(",", d.Reasons.OrderBy(r => r.Key).Select(r => $"{r.Key}={r.Value}"))}")];
}
