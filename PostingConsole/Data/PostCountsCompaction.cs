using Microsoft.EntityFrameworkCore;

namespace PostingConsole.Data;

/// <summary>
/// Folds the +1 and −1 rows the triggers append to <see cref="PostHourlyCount"/> into one row a key (hour, outcome, media
/// type, reason), so the charts add up a few rows an hour whatever the traffic, and those of <see cref="PostStatusCount"/>
/// into one row a status. Run with the dispatcher's every-minute tick. Only keys with more than one row are folded: the hours
/// that got rows since the last look are checked (a fold's own rows, one a key, are never folded again, so two processes
/// folding side by side settle instead of refolding each other's work). Sums read the same before and after (readers always
/// add up), and a fold is safe beside writers and beside another process folding: on SQLite the fold is one write
/// transaction, on PostgreSQL one statement whose DELETE hands the very rows it removed to the INSERT that sums them.
/// </summary>
public sealed class PostCountsCompaction(IDbContextFactory<PostingDbContext> contextFactory)
{
    /// <summary>The newest row looked at: hours with rows after it are checked for something to fold.</summary>
    private long lookedThrough;

    public async Task CompactAsync(CancellationToken cancellationToken)
    {
        await FoldHoursAsync(cancellationToken);
        await FoldStatusesAsync(cancellationToken);
    }

    private async Task FoldHoursAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var through = lookedThrough;
        var last = await db.PostHourlyCounts.MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0;
        if (last <= through) return;
        var touched = db.PostHourlyCounts.Where(c => c.Id > through && c.Id <= last).Select(c => c.Hour);
        var hours = await db.PostHourlyCounts.Where(c => touched.Contains(c.Hour))
            .GroupBy(c => new { c.Hour, c.Outcome, c.MediaType, c.FailureReason }).Where(g => g.Count() > 1)
            .Select(g => g.Key.Hour).Distinct().ToListAsync(cancellationToken);
        if (hours.Count > 0)
        {
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    WITH moved AS (
                        DELETE FROM "PostHourlyCounts" WHERE "Hour" = ANY({hours})
                        RETURNING "Hour", "Outcome", "MediaType", "FailureReason", "Count")
                    INSERT INTO "PostHourlyCounts" ("Hour", "Outcome", "MediaType", "FailureReason", "Count")
                    SELECT "Hour", "Outcome", "MediaType", "FailureReason", SUM("Count") FROM moved
                    GROUP BY "Hour", "Outcome", "MediaType", "FailureReason" HAVING SUM("Count") <> 0
                    """, cancellationToken);
            }
            else
            {
                // One write transaction (Microsoft.Data.Sqlite begins it IMMEDIATE): the rows summed are the rows deleted.
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var sums = await db.PostHourlyCounts.Where(c => hours.Contains(c.Hour))
                    .GroupBy(c => new { c.Hour, c.Outcome, c.MediaType, c.FailureReason })
                    .Select(g => new { g.Key, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken);
                await db.PostHourlyCounts.Where(c => hours.Contains(c.Hour)).ExecuteDeleteAsync(cancellationToken);
                db.PostHourlyCounts.AddRange(sums.Where(s => s.Count != 0).Select(s => new PostHourlyCount
                {
                    Hour = s.Key.Hour, Outcome = s.Key.Outcome, MediaType = s.Key.MediaType, FailureReason = s.Key.FailureReason, Count = s.Count,
                }));
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }

        // Rows written after `last` was read (a writer's, or this fold's own) are looked at next time.
        lookedThrough = last;
    }

    /// <summary>One row a status, when some status has more than one (a handful of rows: every one is read).</summary>
    private async Task FoldStatusesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.PostStatusCounts.GroupBy(c => c.Status).AnyAsync(g => g.Count() > 1, cancellationToken)) return;
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("""
                WITH moved AS (DELETE FROM "PostStatusCounts" RETURNING "Status", "Count")
                INSERT INTO "PostStatusCounts" ("Status", "Count")
                SELECT "Status", SUM("Count") FROM moved GROUP BY "Status" HAVING SUM("Count") <> 0
                """, cancellationToken);
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var sums = await db.PostStatusCounts.GroupBy(c => c.Status).Select(g => new { Status = g.Key, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken);
        await db.PostStatusCounts.ExecuteDeleteAsync(cancellationToken);
        db.PostStatusCounts.AddRange(sums.Where(s => s.Count != 0).Select(s => new PostStatusCount { Status = s.Status, Count = s.Count }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
