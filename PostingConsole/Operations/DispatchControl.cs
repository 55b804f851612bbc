using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Operations;
using PostingConsole.Security;

namespace PostingConsole.Operations;

/// <param name="MetaLimitUntil">The app-wide throttle circuit's reopening while it is open.</param>
/// <param name="ThrottledAccounts">Accounts behind their own throttle circuit, with its reopening.</param>
public sealed record DispatchStatus(bool Running, int InFlight, DateTime? LastTickAt, DateTime? MetaLimitUntil = null,
    IReadOnlyList<ThrottledAccount>? ThrottledAccounts = null);

public sealed record ThrottledAccount(int PersonaId, string Name, DateTime Until);

/// <summary>Stop/start of dispatch (kept in the database, so it survives a restart) and its status.</summary>
public sealed class DispatchControl(IDbContextFactory<PostingDbContext> contextFactory, EventHub hub, TimeProvider time, DispatchSignal signal)
{
    public async Task<DispatchStatus> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var state = await db.DispatcherState.AsNoTracking().SingleAsync(s => s.Id == 1, cancellationToken);
        var inFlight = await db.Posts.CountAsync(p => p.Status == PostStatus.InProgress, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var accounts = await db.Personas.AsNoTracking().Where(p => p.ThrottledUntil > now).OrderBy(p => p.ThrottledUntil)
            .Select(p => new ThrottledAccount(p.Id, p.Name, p.ThrottledUntil!.Value)).ToListAsync(cancellationToken);
        return new DispatchStatus(state.Running, inFlight, state.LastTickAt, state.AppThrottledUntil > now ? state.AppThrottledUntil : null, accounts);
    }

    /// <summary>No new claims; posts in flight finish.</summary>
    public Task<OperationResult<DispatchStatus>> StopAsync(Actor actor, CancellationToken cancellationToken) =>
        SetRunningAsync(actor, false, Notice.DispatchStopped(), cancellationToken);

    public Task<OperationResult<DispatchStatus>> StartAsync(Actor actor, CancellationToken cancellationToken) =>
        SetRunningAsync(actor, true, Notice.DispatchStarted(), cancellationToken);

    private async Task<OperationResult<DispatchStatus>> SetRunningAsync(Actor actor, bool running, Notice line, CancellationToken cancellationToken)
    {
        if (!actor.Can(Permission.Operate)) return OperationResult<DispatchStatus>.Forbidden(actor, Permission.Operate);
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            var journal = new Journal(db, hub, time);
            var state = await db.DispatcherState.SingleAsync(s => s.Id == 1, cancellationToken);
            state.Running = running;
            state.UpdatedAt = journal.Now;
            journal.Log(running ? ActivityLevel.Info : ActivityLevel.Warning, line);
            journal.Audit(actor, running ? AuditActions.DispatchStart : AuditActions.DispatchStop, "dispatch");
            await journal.CommitAsync(cancellationToken);
        }

        var status = await GetAsync(cancellationToken);
        hub.Publish(new DispatchChanged(time.GetUtcNow().UtcDateTime, status.Running, status.InFlight, status.LastTickAt));
        if (running) signal.Wake();
        return OperationResult<DispatchStatus>.Ok(status);
    }
}
