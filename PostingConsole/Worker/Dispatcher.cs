using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Operations;
using PostingConsole.Publishing;

namespace PostingConsole.Worker;

/// <summary>
/// Claims due posts and runs them through <see cref="PostPublisher"/>. A claim is one conditional UPDATE (the post
/// unchanged since it was read, still claimable and due, no other post of the persona in flight, fewer than
/// <c>Posting:MaxConcurrency</c> Graph calls in flight in the whole database (posts in flight and <see cref="GraphCallBudget"/>'s
/// side calls), the persona under its hourly limit) that sets a
/// lease and a new claim number (the fencing token), so a post never runs twice even with several console processes on
/// one database, and the concurrency budget is shared by all of them (on PostgreSQL the claims take turns under an
/// advisory lock, see <see cref="DatabaseLocks"/>). Limits defer posts; they never fail them.
/// </summary>
public sealed class Dispatcher(
    IDbContextFactory<PostingDbContext> contextFactory,
    PostPublisher publisher,
    ClaimDeferrals deferrals,
    ClaimLeases leases,
    ThrottleCircuits circuits,
    DispatchSignal signal,
    EventHub hub,
    TimeProvider time,
    IOptions<PostingOptions> options,
    ILogger<Dispatcher> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, Task> inFlight = new();
    private readonly SemaphoreSlim tickGate = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private DateTime lastHeartbeat;

    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RecoveryInterval = TimeSpan.FromSeconds(1);
    private DateTime lastRecovery = DateTime.MinValue;

    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Posts this dispatcher is publishing right now.</summary>
    public int InFlight => inFlight.Count;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>One pass: heartbeat, recover expired leases, claim what is due within the limits. Returns how many were claimed.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        await tickGate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            var now = Now;
            // The heartbeat (lastTickAt) is written at most every few seconds, not on every wake-up.
            if (now - lastHeartbeat >= HeartbeatInterval || now < lastHeartbeat)
            {
                await db.DispatcherState.Where(s => s.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastTickAt, now), cancellationToken);
                lastHeartbeat = now;
            }

            var running = await db.DispatcherState.Where(s => s.Id == 1).Select(s => s.Running).FirstOrDefaultAsync(cancellationToken);
            if (!running) return 0;

            await circuits.RefreshAsync(db, cancellationToken);
            var claimed = 0;
            // A lease runs 30 s at least: looking for expired ones once a second is soon enough, and keeps the pass short.
            if (now - lastRecovery >= RecoveryInterval || now < lastRecovery)
            {
                claimed = await RecoverExpiredLeasesAsync(db, now, cancellationToken);
                // Posts that would start too late are held for an operator, never published on their own (no Graph call).
                // The claim never takes them anyway; holding them (and telling the operator) once a second is soon enough.
                await deferrals.HoldMissedAsync(db, now, cancellationToken);
                lastRecovery = now;
            }

            // Meta's app budget is spent: no Graph call at all until the circuit reopens.
            if (circuits.AppUntil > now) return claimed;
            claimed += await ClaimDueAsync(db, now, cancellationToken);
            return claimed;
        }
        finally
        {
            tickGate.Release();
        }
    }

    /// <summary>The earliest time a claimable post falls due (not before the app circuit reopens), for the wake-up timer.</summary>
    public async Task<DateTime?> NextDueAtAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var next = await db.Posts.Where(p => PostStateMachine.Claimable.Contains(p.Status)).OrderBy(p => p.NextAttemptAt).Select(p => p.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
        var notBefore = circuits.AppUntil is { } app && app > Now ? app : circuits.NextStartAllowedAt();
        return next is { } due && notBefore > due ? notBefore : next;
    }

    /// <summary>Completes when every post this dispatcher started has finished its pass.</summary>
    public async Task WhenIdleAsync()
    {
        while (!inFlight.IsEmpty)
        {
            await Task.WhenAll(inFlight.Values.ToArray());
        }
    }

    /// <summary>Stops starting anything and abandons in-flight work (what a crash does); used by tests and shutdown.</summary>
    public async Task AbandonAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await WhenIdleAsync();
        }
        catch (OperationCanceledException)
        {
            // Expected: the work was abandoned.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Let in-flight posts finish their pass (bounded), then stop.
        var idle = WhenIdleAsync();
        if (await Task.WhenAny(idle, Task.Delay(TimeSpan.FromSeconds(20))) != idle) await stopping.CancelAsync();
        stopping.Dispose();
        tickGate.Dispose();
    }

    private async Task<int> RecoverExpiredLeasesAsync(PostingDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var expired = await db.Posts.Where(p => p.Status == PostStatus.InProgress && p.LeaseUntil < now)
            .Select(p => new { p.Id, p.ClaimNumber }).ToListAsync(cancellationToken);
        var recovered = 0;
        foreach (var post in expired)
        {
            // Still running here (its heartbeat could not write in time): never a second run beside it.
            if (inFlight.ContainsKey(post.Id)) continue;

            var claim = new PostClaim(post.Id, post.ClaimNumber + 1);
            var leaseUntil = now + options.Value.LeaseDuration;
            var rows = await db.Posts
                .Where(p => p.Id == post.Id && p.ClaimNumber == post.ClaimNumber && p.Status == PostStatus.InProgress && p.LeaseUntil < now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.ClaimNumber, claim.Number)
                    .SetProperty(p => p.Version, p => p.Version + 1)
                    .SetProperty(p => p.ClaimedBy, InstanceId)
                    .SetProperty(p => p.LeaseUntil, leaseUntil), cancellationToken);
            if (rows != 1) continue;

            logger.RecoveringPost(post.Id, claim.Number);
            Start(claim);
            recovered++;
        }

        return recovered;
    }

    private async Task<int> ClaimDueAsync(PostingDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // A reopened app circuit lets one probe through; the first clean answer closes it.
        var max = circuits.AppUntil is not null ? 1 : settings.MaxConcurrency;
        var inProgress = await db.Posts.Where(p => p.Status == PostStatus.InProgress).Select(p => p.PersonaId).ToListAsync(cancellationToken);
        var sideCalls = await db.GraphCallSlots.CountAsync(s => s.Until > now, cancellationToken); // see GraphCallBudget
        var free = max - inProgress.Count - sideCalls;
        if (free <= 0) return 0;

        var due = await db.Posts.AsNoTracking()
            .Where(Post.ClaimableAt(now, settings.MissedPostGrace))
            .OrderBy(p => p.NextAttemptAt).ThenBy(p => p.Id)
            // With what its persona sets: a posting window, and when it last published (for MinIntervalPerPersona).
            .Select(p => new { p.Id, p.PersonaId, p.ClaimNumber, p.NextAttemptAt, p.Persona!.LastPublishedAt, p.Persona.WindowFrom, p.Persona.WindowTo, p.Persona.TimeZone })
            .Take(Math.Max(free * 8, 100))
            .ToListAsync(cancellationToken);
        if (due.Count == 0) return 0;

        var busy = inProgress.ToHashSet();
        var hourAgo = now.AddHours(-1);
        var personaIds = due.Select(d => d.PersonaId).Distinct().ToList();
        var lastHour = await db.Posts
            .Where(p => personaIds.Contains(p.PersonaId) && p.PublishedAt > hourAgo)
            .GroupBy(p => p.PersonaId)
            .Select(g => new { PersonaId = g.Key, Count = g.Count(), Oldest = g.Min(p => p.PublishedAt) })
            .ToDictionaryAsync(x => x.PersonaId, cancellationToken);

        var claimed = 0;
        var blocked = circuits.OpenAccounts(now);
        foreach (var candidate in due)
        {
            if (inFlight.ContainsKey(candidate.Id)) continue; // its last run here is still finishing
            lastHour.TryGetValue(candidate.PersonaId, out var used);
            var facts = new ClaimFacts(candidate.NextAttemptAt ?? now, max - free, busy.Contains(candidate.PersonaId),
                blocked.TryGetValue(candidate.PersonaId, out var reopening) ? reopening : null,
                candidate.WindowFrom, candidate.WindowTo, candidate.TimeZone, candidate.LastPublishedAt, used?.Count ?? 0, used?.Oldest);
            var decision = PostingRules.DecideClaim(facts, settings, max, now);
            switch (decision.Action)
            {
                case ClaimAction.WaitForCircuit:
                    // Behind the account's circuit: its posts wait for the reopening, not each its own delay.
                    await deferrals.HoldUntilAsync(db, candidate.PersonaId, Until(decision), FailureReason.RateLimited, cancellationToken);
                    busy.Add(candidate.PersonaId);
                    continue;
                case ClaimAction.WaitForWindow:
                    // Outside the persona's active hours: its waiting posts start when they open.
                    await deferrals.HoldUntilAsync(db, candidate.PersonaId, Until(decision), null, cancellationToken);
                    busy.Add(candidate.PersonaId);
                    continue;
                case ClaimAction.Spread:
                    // Too soon after the persona's last post: its waiting posts get their turns, one interval apart.
                    await deferrals.SpreadAsync(db, candidate.PersonaId, Until(decision), settings.MinIntervalPerPersona, cancellationToken);
                    busy.Add(candidate.PersonaId);
                    continue;
                case ClaimAction.HourlyLimit:
                    await deferrals.DeferForHourlyLimitAsync(db, candidate.Id, Until(decision), cancellationToken);
                    continue;
                case ClaimAction.Claim:
                    break;
                default:
                    continue; // one in flight per persona; not due or missed (read before now moved on); the budget is spent
            }

            // Above 90 % of Meta's budget, starts are spaced out.
            if (!circuits.TryStart(candidate.PersonaId, now)) continue;

            // One statement, so it is atomic against every other dispatcher on the database: the post as read (claim
            // number), and the claim's rules read again (ClaimQuery, which mirrors PostingRules.DecideClaim).
            var claim = new PostClaim(candidate.Id, candidate.ClaimNumber + 1);
            var leaseUntil = now + settings.LeaseDuration;
            int rows;
            // PostgreSQL: claims take turns (DatabaseLocks), so the counts below include every claim committed before.
            await using (var claimsLock = await DatabaseLocks.HoldClaimsLockAsync(db, cancellationToken))
            {
                rows = await ClaimQuery.Claimable(db, now, settings, max)
                    .Where(p => p.Id == candidate.Id && p.ClaimNumber == candidate.ClaimNumber)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(p => p.Status, PostStatus.InProgress)
                        .SetProperty(p => p.ClaimNumber, claim.Number)
                        .SetProperty(p => p.Version, p => p.Version + 1)
                        .SetProperty(p => p.ClaimedBy, InstanceId)
                        .SetProperty(p => p.LeaseUntil, leaseUntil)
                        .SetProperty(p => p.UpdatedAt, now), cancellationToken);
                if (claimsLock is not null) await claimsLock.CommitAsync(cancellationToken);
            }

            busy.Add(candidate.PersonaId);
            if (rows != 1) continue; // another dispatcher was quicker, an operator changed the post, or the budget is spent

            hub.Publish(new PostChanged(now, candidate.Id, candidate.PersonaId, PostStatus.InProgress, null));
            Start(claim);
            claimed++;
            if (--free == 0) break;
        }

        return claimed;
    }

    private static DateTime Until(ClaimDecision decision) =>
        decision.Until ?? throw new InvalidOperationException($"A {decision.Action} decision carries its time.");

    private void Start(PostClaim claim)
    {
        var token = stopping.Token;
        // The task is in the dictionary before it runs, and removes only its own entry when it ends: a run that finished
        // quickly, or a later run of the same post, is never left behind or removed by mistake.
        var registered = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Task.Run(async () =>
        {
            var self = await registered.Task;
            try
            {
                using var lost = CancellationTokenSource.CreateLinkedTokenSource(token);
                await using (leases.KeepAlive(claim, lost.Cancel))
                {
                    await publisher.RunAsync(claim, lost.Token);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Abandoned: the lease expires and the next pass reconciles the post.
            }
            catch (OperationCanceledException)
            {
                // The claim was lost (the heartbeat said so): the post is another dispatcher's now.
            }
            catch (Exception ex)
            {
                logger.RunStoppedUnexpectedly(ex, claim.PostId);
            }
            finally
            {
                ((ICollection<KeyValuePair<int, Task>>)inFlight).Remove(new KeyValuePair<int, Task>(claim.PostId, self));
                // A slot is free: the wake-up loop claims the next due post at once.
                signal.Wake();
            }
        }, CancellationToken.None);
        inFlight[claim.PostId] = run;
        registered.SetResult(run);
    }
}
