using Microsoft.EntityFrameworkCore;

namespace PostingConsole.Data;

/// <summary>
/// Folds the +1 and −1 rows the triggers append to <see cref="PostHourlyCount"/> into one row a key (hour, outcome, media
/// type, reason), so the charts add up a few rows an hour whatever the traffic, and those of <see cref="PostStatusCount"/>
/// into one row a status. Run with the dispatcher's every-minute tick,
/// over the hours that got new rows since the last fold. Sums read the same before and after (readers always add up), and it
/// is safe beside writers and beside another process folding too: on SQLite the fold is one write transaction, on PostgreSQL
/// one statement whose DELETE hands the very rows it removed to the INSERT that sums them.
/// </summary>
public sealed class PostCountsCompaction(IDbContextFactory<PostingDbContext> contextFactory)
{
    /// <summary>The newest row already folded (or older): rows after it name the hours to fold next.</summary>
    private long foldedThrough;

    public async Task CompactAsync(CancellationToken cancellationToken)
    {
        await FoldHoursAsync(cancellationToken);
        await FoldStatusesAsync(cancellationToken);
    }

    /// <summary>One row a status: every row folded (a few hundred a minute at most).</summary>
    private async Task FoldStatusesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
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
        var sums = await db.PostStatusCounts.GroupBy(c => c.Status).Select(g => new { Status = g.Key, Rows = g.Count(), Count = g.Sum(c => c.Count) })
            .ToListAsync(cancellationToken);
        if (sums.All(s => s.Rows == 1)) return;
        await db.PostStatusCounts.ExecuteDeleteAsync(cancellationToken);
        db.PostStatusCounts.AddRange(sums.Where(s => s.Count != 0).Select(s => new PostStatusCount { Status = s.Status, Count = s.Count }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task FoldHoursAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var through = foldedThrough;
        if (!await db.PostHourlyCounts.AnyAsync(c => c.Id > through, cancellationToken)) return;
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                WITH moved AS (
                    DELETE FROM "PostHourlyCounts" WHERE "Hour" IN (SELECT "Hour" FROM "PostHourlyCounts" WHERE "Id" > {through})
                    RETURNING "Hour", "Outcome", "MediaType", "FailureReason", "Count")
                INSERT INTO "PostHourlyCounts" ("Hour", "Outcome", "MediaType", "FailureReason", "Count")
                SELECT "Hour", "Outcome", "MediaType", "FailureReason", SUM("Count") FROM moved
                GROUP BY "Hour", "Outcome", "MediaType", "FailureReason" HAVING SUM("Count") <> 0
                """, cancellationToken);
        }
        else
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var last = await db.PostHourlyCounts.MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0;
            var hours = db.PostHourlyCounts.Where(c => c.Id > through && c.Id <= last).Select(c => c.Hour);
            var sums = await db.PostHourlyCounts.Where(c => c.Id <= last && hours.Contains(c.Hour))
                .GroupBy(c => new { c.Hour, c.Outcome, c.MediaType, c.FailureReason })
                .Select(g => new { g.Key, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken);
            await db.PostHourlyCounts.Where(c => c.Id <= last && hours.Contains(c.Hour)).ExecuteDeleteAsync(cancellationToken);
            db.PostHourlyCounts.AddRange(sums.Where(s => s.Count != 0).Select(s => new PostHourlyCount
            {
                Hour = s.Key.Hour, Outcome = s.Key.Outcome, MediaType = s.Key.MediaType, FailureReason = s.Key.FailureReason, Count = s.Count,
            }));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        foldedThrough = await db.PostHourlyCounts.MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0;
    }
}
