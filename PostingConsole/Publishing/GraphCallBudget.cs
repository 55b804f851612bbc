using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Publishing;

/// <summary>
/// One budget for every Graph call of every console process on the database: <c>Posting:MaxConcurrency</c> counts the posts
/// in flight (a run makes one call at a time) and the <see cref="GraphCallSlot"/>s held by calls made outside a run. A side
/// call takes a slot only while the two together leave room, in one conditional UPDATE (on PostgreSQL under the claims lock,
/// so it takes turns with the dispatcher's claims, which count the slots in the same way).
/// </summary>
public sealed class GraphCallBudget(IDbContextFactory<PostingDbContext> contextFactory, TimeProvider time, IOptions<PostingOptions> options, IOptions<GraphOptions> graph)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Beyond the longest a call can take: a slot whose holder died is free again after this.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    private readonly string process = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>A slot for one Graph call (with its in-call retries) if the budget has room now; null when it has not.</summary>
    public async Task<IAsyncDisposable?> TryTakeAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var holder = $"{process}:{Guid.NewGuid():N}";
        var until = now + graph.Value.LongestStep + Margin;
        var max = options.Value.MaxConcurrency;
        int rows;
        await using (var claimsLock = await DatabaseLocks.HoldClaimsLockAsync(db, cancellationToken))
        {
            rows = await db.GraphCallSlots
                .Where(s => s.Id == db.GraphCallSlots.Where(f => f.Until == null || f.Until <= now).OrderBy(f => f.Id).Select(f => f.Id).FirstOrDefault()
                            && db.Posts.Count(p => p.Status == PostStatus.InProgress) + db.GraphCallSlots.Count(o => o.Until > now) < max)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.HeldBy, holder).SetProperty(x => x.Until, until), cancellationToken);
            if (claimsLock is not null) await claimsLock.CommitAsync(cancellationToken);
        }

        return rows == 1 ? new Slot(this, holder) : null;
    }

    /// <summary>A slot for one Graph call, waiting while the budget is full.</summary>
    public async Task<IAsyncDisposable> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TryTakeAsync(cancellationToken) is { } slot) return slot;
            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private async Task GiveBackAsync(string holder)
    {
        await using var db = await contextFactory.CreateDbContextAsync();
        await db.GraphCallSlots.Where(s => s.HeldBy == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.HeldBy, (string?)null).SetProperty(x => x.Until, (DateTime?)null));
    }

    private sealed class Slot(GraphCallBudget budget, string holder) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await budget.GiveBackAsync(holder);
    }
}
