using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Operations;

public sealed record StatusCounts(IReadOnlyDictionary<PostStatus, int> ByStatus)
{
    public int Total => ByStatus.Values.Sum();
    public int Count(PostStatus status) => ByStatus.GetValueOrDefault(status);
}

public sealed record ReasonCount(FailureReason? Reason, int Count);

/// <summary>One user's view of the alerts: the newest, how many they have not read, and up to which id they have.</summary>
public sealed record AlertInbox(IReadOnlyList<Alert> Recent, int Unread, long ReadThroughId)
{
    public bool IsRead(Alert alert) => alert.Id <= ReadThroughId;
}

/// <summary>The screens' read side beyond single posts: progress counts, failure groups, the live log, alerts.</summary>
public sealed class ConsoleQueries(IDbContextFactory<PostingDbContext> contextFactory)
{

    /// <summary>What the failure screen lists and counts: failed or retrying, and held because it missed its time.</summary>
    public static readonly PostFilter FailureScreen = new(PostStateMachine.Failing, WithMissed: true);

    public async Task<StatusCounts> CountByStatusAsync(DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.Posts.Where(p => p.ScheduledAt >= fromUtc && p.ScheduledAt < toUtc)
            .GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        return new StatusCounts(counts);
    }

    public async Task<IReadOnlyList<ReasonCount>> FailureGroupsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var groups = await PostQueries.Apply(db.Posts, FailureScreen)
            .GroupBy(p => p.FailureReason).Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return groups.OrderByDescending(g => g.Count).Select(g => new ReasonCount(g.Key, g.Count)).ToList();
    }

    /// <summary>Reasons a post is held because of its account (not an operator's pause): fixed on the personas board.</summary>
    public static readonly FailureReason[] AccountReasons = [FailureReason.AccountSuspended, FailureReason.AuthExpired, FailureReason.Policy];

    /// <summary>Posts held because their account cannot publish, by reason.</summary>
    public async Task<IReadOnlyList<ReasonCount>> HeldByAccountAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var groups = await db.Posts.Where(p => p.Status == PostStatus.Held && p.FailureReason != null && AccountReasons.Contains(p.FailureReason.Value))
            .GroupBy(p => p.FailureReason).Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return groups.OrderByDescending(g => g.Count).Select(g => new ReasonCount(g.Key, g.Count)).ToList();
    }

    /// <summary>Published posts whose first comment failed (the post is live; the comment waits for an operator's retry), newest first.</summary>
    public async Task<IReadOnlyList<Post>> FailedFirstCommentsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Posts.AsNoTracking().Include(p => p.Persona)
            .Where(p => p.Status == PostStatus.Published && p.FirstCommentState == FirstCommentState.Failed)
            .OrderByDescending(p => p.PublishedAt).Take(limit).ToListAsync(cancellationToken);
    }

    public async Task<int> FailureCountAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await PostQueries.Apply(db.Posts, FailureScreen).CountAsync(cancellationToken);
    }

    /// <summary>The newest <paramref name="count"/> log lines, oldest first.</summary>
    public async Task<IReadOnlyList<ActivityLogEntry>> RecentLogAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var newest = await db.ActivityLog.AsNoTracking().OrderByDescending(l => l.Id).Take(count).ToListAsync(cancellationToken);
        return newest.OrderBy(l => l.At).ThenBy(l => l.Id).ToList();
    }

    /// <summary>The newest <paramref name="count"/> alerts and how many <paramref name="userName"/> has not read.</summary>
    public async Task<AlertInbox> AlertInboxAsync(string userName, int count, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var readThrough = await ReadThroughAsync(db, userName, cancellationToken);
        var recent = await db.Alerts.AsNoTracking().OrderByDescending(a => a.Id).Take(count).ToListAsync(cancellationToken);
        var unread = await db.Alerts.CountAsync(a => a.Id > readThrough, cancellationToken);
        return new AlertInbox(recent, unread, readThrough);
    }

    /// <summary>
    /// The alerts up to <paramref name="throughId"/> (the newest the user was shown) are read for <paramref name="userName"/>,
    /// for them only. One statement: two tabs of one user never collide, and the mark never moves back.
    /// </summary>
    public async Task MarkAlertsReadAsync(string userName, long throughId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // The same SQL on SQLite and PostgreSQL (quoted names, an upsert whose update only moves the mark forward).
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO "AlertReadMarks" ("UserName", "ReadThroughId") VALUES ({userName}, {throughId})
            ON CONFLICT ("UserName") DO UPDATE SET "ReadThroughId" = excluded."ReadThroughId"
            WHERE excluded."ReadThroughId" > "AlertReadMarks"."ReadThroughId"
            """, cancellationToken);
    }

    private static async Task<long> ReadThroughAsync(PostingDbContext db, string userName, CancellationToken cancellationToken) =>
        await db.AlertReadMarks.Where(m => m.UserName == userName).Select(m => (long?)m.ReadThroughId).FirstOrDefaultAsync(cancellationToken) ?? 0;

    public async Task<IReadOnlyList<(int Id, string Name)>> PersonaNamesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var list = await db.Personas.AsNoTracking().OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(cancellationToken);
        return list.Select(p => (p.Id, p.Name)).ToList();
    }
}
