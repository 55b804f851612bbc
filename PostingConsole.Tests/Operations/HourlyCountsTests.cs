using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Operations;

/// <summary>
/// The hourly counts the database keeps (<see cref="PostHourlyCount"/>) always equal a count of the posts themselves, through
/// every kind of write (inserts, tracked saves, the dispatcher's set-based UPDATEs, deletes) and through the fold.
/// </summary>
public class HourlyCountsTests
{
    [Fact]
    public async Task The_daily_figures_from_the_counts_equal_a_count_of_the_posts_through_every_kind_of_change_and_the_fold()
    {
        await using var app = new ConsoleAppFactory();
        var now = DateTime.UtcNow;
        var personas = await PostHistory.AddPersonasAsync(app.CreateDbContext, 5, now);
        await PostHistory.AddPastAsync(app.CreateDbContext, personas, 600, TimeSpan.FromDays(10), now, failedShare: 0.2);
        var stats = app.GetService<StatsQueries>();
        var today = stats.Today(now);
        await ShouldMatchThePostsAsync(app, stats, today);

        await using (var db = app.CreateDbContext())
        {
            // An operator retries three failed posts (tracked saves): they leave the failed count.
            foreach (var post in await db.Posts.Where(p => p.Status == PostStatus.Failed).OrderBy(p => p.Id).Take(3).ToListAsync()) post.RetryManually(now, now);
            await db.SaveChangesAsync();
            // A set-based UPDATE moves two published posts to another hour and media type.
            var moved = await db.Posts.Where(p => p.Status == PostStatus.Published).OrderBy(p => p.Id).Select(p => p.Id).Take(2).ToListAsync();
            await db.Posts.Where(p => moved.Contains(p.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.PublishedAt, now.AddHours(-2)).SetProperty(p => p.MediaType, MediaType.Reels));
            // An unrelated change to a published post (its permalink) counts nothing twice.
            await db.Posts.Where(p => p.Status == PostStatus.Published).OrderByDescending(p => p.Id).Take(5)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Permalink, "https://www.instagram.com/p/again/").SetProperty(p => p.UpdatedAt, now));
            // Deleted posts leave the counts.
            await db.Posts.Where(p => p.Id % 50 == 0).ExecuteDeleteAsync();
        }

        await ShouldMatchThePostsAsync(app, stats, today);
        int rowsBefore;
        await using (var db = app.CreateDbContext()) rowsBefore = await db.PostHourlyCounts.CountAsync();

        await app.GetService<PostCountsCompaction>().CompactAsync(CancellationToken.None);

        await ShouldMatchThePostsAsync(app, stats, today);
        await using (var db = app.CreateDbContext())
        {
            var rows = await db.PostHourlyCounts.CountAsync();
            rows.ShouldBeLessThan(rowsBefore);
            // One row a key after the fold.
            (await db.PostHourlyCounts.Select(c => new { c.Hour, c.Outcome, c.MediaType, c.FailureReason }).Distinct().CountAsync()).ShouldBe(rows);
        }

        // A second fold, by this process or another's, finds nothing to fold and writes nothing: folds settle.
        long newest;
        await using (var db = app.CreateDbContext()) newest = await db.PostHourlyCounts.MaxAsync(c => c.Id);
        await app.GetService<PostCountsCompaction>().CompactAsync(CancellationToken.None);
        await new PostCountsCompaction(app.GetService<IDbContextFactory<PostingDbContext>>()).CompactAsync(CancellationToken.None);
        await using (var db = app.CreateDbContext()) (await db.PostHourlyCounts.MaxAsync(c => c.Id)).ShouldBe(newest);
        await ShouldMatchThePostsAsync(app, stats, today);
    }

    private static async Task ShouldMatchThePostsAsync(ConsoleAppFactory app, StatsQueries stats, DateOnly today)
    {
        var clock = app.GetService<ConsoleClock>();
        var days = await stats.DailyAsync(today.AddDays(-12), today, CancellationToken.None);
        await using var db = app.CreateDbContext();
        var published = await db.Posts.Where(p => p.PublishedAt != null).Select(p => new { At = p.PublishedAt!.Value, p.MediaType }).ToListAsync();
        var failed = await db.Posts.Where(p => p.Status == PostStatus.Failed).Select(p => new { p.UpdatedAt, p.MediaType, p.FailureReason }).ToListAsync();
        foreach (var day in days)
        {
            DateOnly Day(DateTime utc) => DateOnly.FromDateTime(clock.ToLocal(utc));
            day.Published.ShouldBe(published.Count(p => Day(p.At) == day.Date), $"published on {day.Date}");
            day.Failed.ShouldBe(failed.Count(f => Day(f.UpdatedAt) == day.Date), $"failed on {day.Date}");
            foreach (var (type, figures) in day.MediaTypes)
            {
                figures.Published.ShouldBe(published.Count(p => Day(p.At) == day.Date && p.MediaType == type), $"{type} on {day.Date}");
            }

            foreach (var (reason, count) in day.Reasons)
            {
                count.ShouldBe(failed.Count(f => Day(f.UpdatedAt) == day.Date && (f.FailureReason ?? FailureReason.Unknown) == reason), $"{reason} on {day.Date}");
            }
        }

        days.Sum(d => d.Published).ShouldBeGreaterThan(0);
        days.Sum(d => d.Failed).ShouldBeGreaterThan(0);
        var hours = await stats.PublishedByHourAsync(today, CancellationToken.None);
        hours.Sum().ShouldBe(published.Count(p => DateOnly.FromDateTime(clock.ToLocal(p.At)) == today));
    }
}
