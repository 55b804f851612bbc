using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Publishing;

/// <summary>
/// One budget for every Graph call of every console process on the database: <c>Posting:MaxConcurrency</c> counts the posts
/// in flight (a run makes one call at a time) and the <see cref="GraphCallSlot"/>s held for calls made outside a run. The
/// dispatcher's claim needs posts in flight + slots held below the budget; a slot's call goes out only when posts in flight +
/// slots held are within it. Slots are taken by conditional UPDATEs, on PostgreSQL under the claims lock (so they take turns
/// with the claims of every process).
/// </summary>
public sealed class GraphCallBudget(
    IDbContextFactory<PostingDbContext> contextFactory, ThrottleCircuits circuits, TimeProvider time, GraphClock clock, IOptions<PostingOptions> options,
    IOptions<GraphOptions> graph, ILogger<GraphCallBudget> logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Beyond the longest a call can take: a slot whose holder died is free again after this.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    private readonly string process = $"{Environment.MachineName}:{Environment.ProcessId}";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private TimeSpan Hold => graph.Value.LongestStep + Margin;

    /// <summary>The budget; while Meta's app-wide circuit lets one probe through, one call in all (as the dispatcher's claims).</summary>
    private int Max => circuits.AppUntil is not null ? 1 : options.Value.MaxConcurrency;

    /// <summary>A slot for one Graph call (with its in-call retries) if the budget has room now; null when it has not.</summary>
    public async Task<IAsyncDisposable?> TryTakeAsync(CancellationToken cancellationToken)
    {
        var holder = NewHolder();
        return await TakeFreeSlotAsync(holder, whenRoomNow: true, cancellationToken) ? new Slot(this, holder) : null;
    }

    /// <summary>
    /// A slot for one Graph call, waiting while the budget is full. The slot is reserved first and the claims count it from
    /// then on, so the queue's runs drain until the call fits (a caller polling for a free place would lose every race to a
    /// dispatcher woken by the run that freed it). At most <c>MaxConcurrency</c> slots are reserved, so they always fit once
    /// the runs are done.
    /// </summary>
    public async Task<IAsyncDisposable> TakeAsync(CancellationToken cancellationToken)
    {
        var holder = NewHolder();
        var reserved = false;
        try
        {
            while (true)
            {
                if (!reserved)
                {
                    reserved = await TakeFreeSlotAsync(holder, whenRoomNow: false, cancellationToken);
                }
                else
                {
                    switch (await CheckReservationAsync(holder, cancellationToken))
                    {
                        case Reservation.Fits: return new Slot(this, holder);
                        case Reservation.Lost: reserved = false; continue; // it ran out while this process was starved
                    }
                }

                await Task.Delay(PollInterval, clock.Time, cancellationToken);
            }
        }
        catch when (reserved)
        {
            await GiveBackAsync(holder);
            throw;
        }
    }

    /// <summary>Makes one Graph call (with its in-call retries) in a slot of the budget, waiting for one as <see cref="TakeAsync"/>.</summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        await using (await TakeAsync(cancellationToken)) return await call();
    }

    /// <summary>Makes one Graph call in a slot of the budget if it has room now; null (no call made) when it has not.</summary>
    public async Task<T?> TryCallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) where T : class
    {
        await using var slot = await TryTakeAsync(cancellationToken);
        return slot is null ? null : await call();
    }

    private string NewHolder() => $"{process}:{Guid.NewGuid():N}";

    /// <param name="whenRoomNow">True: only when posts in flight + slots held leave room for this call now. False (a reservation): only when fewer than MaxConcurrency slots are held.</param>
    private async Task<bool> TakeFreeSlotAsync(string holder, bool whenRoomNow, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = Now;
        var until = now + Hold;
        var max = Max;
        var inFlight = whenRoomNow ? 1 : 0; // the posts in flight count only for a call that goes out at once
        int rows;
        await using (var claimsLock = await DatabaseLocks.HoldClaimsLockAsync(db, cancellationToken))
        {
            rows = await db.GraphCallSlots
                .Where(s => s.Id == db.GraphCallSlots.Where(f => f.Until == null || f.Until <= now).OrderBy(f => f.Id).Select(f => f.Id).FirstOrDefault()
                            && (s.Until == null || s.Until <= now) // still free as the row is written (its holder may have just renewed it)
                            && db.Posts.Count(p => p.Status == PostStatus.InProgress) * inFlight + db.GraphCallSlots.Count(o => o.Until > now) < max)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.HeldBy, holder).SetProperty(x => x.Until, until), cancellationToken);
            if (claimsLock is not null) await claimsLock.CommitAsync(cancellationToken);
        }

        return rows == 1;
    }

    private enum Reservation
    {
        Waiting,
        Fits,
        Lost,
    }

    /// <summary>Renews the reservation, and says whether its call fits: posts in flight + slots held (this one too) within the budget.</summary>
    private async Task<Reservation> CheckReservationAsync(string holder, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = Now;
        var until = now + Hold;
        if (await db.GraphCallSlots.Where(s => s.HeldBy == holder && s.Until > now).ExecuteUpdateAsync(s => s.SetProperty(x => x.Until, until), cancellationToken) == 0)
            return Reservation.Lost;
        var used = await db.Posts.CountAsync(p => p.Status == PostStatus.InProgress, cancellationToken)
                   + await db.GraphCallSlots.CountAsync(s => s.Until > now, cancellationToken);
        // Neither a claim nor another slot can take the budget past this once it fits: both count this reservation.
        return used <= Max ? Reservation.Fits : Reservation.Waiting;
    }

    private async Task GiveBackAsync(string holder)
    {
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync();
            await db.GraphCallSlots.Where(s => s.HeldBy == holder)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.HeldBy, (string?)null).SetProperty(x => x.Until, (DateTime?)null));
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            logger.SlotNotGivenBack(ex); // the call's own outcome stands
        }
    }

    private sealed class Slot(GraphCallBudget budget, string holder) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await budget.GiveBackAsync(holder);
    }
}
