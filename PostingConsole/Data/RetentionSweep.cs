using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Domain;

namespace PostingConsole.Data;

/// <summary>
/// <c>Retention:DetailsFor</c>: removes the heavy parts of old history a batch at a time (a short write each, so the queue never
/// waits long behind it): the attempt rows of published or cancelled posts and live-log lines older than the setting, each
/// found by its time's index. (Delivered webhooks go after a week, <c>WebhookSender</c>.) Failed and held posts keep their attempts while an operator may still act on them; the posts and the hourly
/// counts stay, so the charts and statistics are the same after a sweep.
/// </summary>
public sealed class RetentionSweep(IDbContextFactory<PostingDbContext> contextFactory, IOptions<RetentionOptions> options, TimeProvider time)
{
    public const int BatchSize = 2_000;

    /// <summary>Removes what is past the setting; returns how many rows went.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var keep = options.Value.DetailsFor;
        if (keep <= TimeSpan.Zero) return 0;
        var before = time.GetUtcNow().UtcDateTime - keep;
        var removed = 0;
        removed += await InBatchesAsync(db => db.PostAttempts
            .Where(a => a.At < before && db.Posts.Any(p => p.Id == a.PostId && (p.Status == PostStatus.Published || p.Status == PostStatus.Cancelled)))
            .OrderBy(a => a.At).Select(a => a.Id), (db, ids) => db.PostAttempts.Where(a => ids.Contains(a.Id)).ExecuteDeleteAsync(cancellationToken), cancellationToken);
        removed += await InBatchesAsync(db => db.ActivityLog.Where(l => l.At < before).OrderBy(l => l.At).Select(l => l.Id),
            (db, ids) => db.ActivityLog.Where(l => ids.Contains(l.Id)).ExecuteDeleteAsync(cancellationToken), cancellationToken);
        return removed;
    }

    private async Task<int> InBatchesAsync<TId>(Func<PostingDbContext, IQueryable<TId>> select, Func<PostingDbContext, List<TId>, Task<int>> delete,
        CancellationToken cancellationToken)
    {
        var removed = 0;
        while (true)
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            var ids = await select(db).Take(BatchSize).ToListAsync(cancellationToken);
            if (ids.Count == 0) return removed;
            removed += await delete(db, ids);
            if (ids.Count < BatchSize) return removed;
        }
    }
}
