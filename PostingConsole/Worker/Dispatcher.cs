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
    ClaimLeases leases,
    ThrottleCircuits circuits,
    DispatchSignal signal,
    EventHub hub,
    TimeProvider time,
    IOptions<PostingOptions> options,
    ILogger<Dispatcher> logger) : IAsyncDisposable
{
    private static readonly PostStatus[] Claimable = PostStateMachine.Claimable;
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
                await HoldMissedAsync(db, now, cancellationToken);
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
        var next = await db.Posts.Where(p => Claimable.Contains(p.Status)).OrderBy(p => p.NextAttemptAt).Select(p => p.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
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
            .Select(p => new { p.Id, p.PersonaId, p.ClaimNumber, p.Persona!.LastPublishedAt, p.Persona.WindowFrom, p.Persona.WindowTo, p.Persona.TimeZone })
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
            if (busy.Contains(candidate.PersonaId)) continue; // one in flight per persona
            if (inFlight.ContainsKey(candidate.Id)) continue; // its last run here is still finishing
            if (blocked.TryGetValue(candidate.PersonaId, out var reopening))
            {
                // Behind the account's circuit: its posts wait for the reopening, not each its own delay.
                await HoldUntilAsync(db, candidate.PersonaId, reopening, FailureReason.RateLimited, cancellationToken);
                busy.Add(candidate.PersonaId);
                continue;
            }

            if (PostingWindow.OpensAt(candidate.WindowFrom, candidate.WindowTo, candidate.TimeZone, now) is { } opens)
            {
                // Outside the persona's active hours: its waiting posts start when they open.
                await HoldUntilAsync(db, candidate.PersonaId, opens, null, cancellationToken);
                busy.Add(candidate.PersonaId);
                continue;
            }

            if (settings.MinIntervalPerPersona > TimeSpan.Zero && candidate.LastPublishedAt is { } last && last + settings.MinIntervalPerPersona > now)
            {
                // Too soon after the persona's last post: its waiting posts get their turns, one interval apart.
                await SpreadAsync(db, candidate.PersonaId, last + settings.MinIntervalPerPersona, settings.MinIntervalPerPersona, cancellationToken);
                busy.Add(candidate.PersonaId);
                continue;
            }

            if (lastHour.TryGetValue(candidate.PersonaId, out var used) && used.Count >= settings.PerPersonaHourlyLimit)
            {
                await DeferForHourlyLimitAsync(db, candidate.Id, used.Oldest!.Value.AddHours(1), cancellationToken);
                continue;
            }

            // Above 90 % of Meta's budget, starts are spaced out.
            if (!circuits.TryStart(candidate.PersonaId, now)) continue;

            // One statement, so it is atomic against every other dispatcher on the database: the post as read (claim
            // number), the claim rule, one per persona, and the shared concurrency budget counted in the same UPDATE.
            var claim = new PostClaim(candidate.Id, candidate.ClaimNumber + 1);
            var leaseUntil = now + settings.LeaseDuration;
            var limit = settings.PerPersonaHourlyLimit;
            // What another process may have changed since the candidates were read is checked again in the statement: the
            // persona's last post (MinIntervalPerPersona) and its throttle circuit.
            var spaced = settings.MinIntervalPerPersona > TimeSpan.Zero;
            var lastAllowed = now - settings.MinIntervalPerPersona;
            int rows;
            // PostgreSQL: claims take turns (DatabaseLocks), so the counts below include every claim committed before.
            await using (var claimsLock = await DatabaseLocks.HoldClaimsLockAsync(db, cancellationToken))
            {
                rows = await db.Posts
                    .Where(Post.ClaimableAt(now, settings.MissedPostGrace))
                    .Where(p => p.Id == candidate.Id && p.ClaimNumber == candidate.ClaimNumber
                                && !db.Posts.Any(o => o.PersonaId == p.PersonaId && o.Status == PostStatus.InProgress)
                                && db.Posts.Count(o => o.Status == PostStatus.InProgress) + db.GraphCallSlots.Count(o => o.Until > now) < max
                                && db.Posts.Count(o => o.PersonaId == p.PersonaId && o.PublishedAt > hourAgo) < limit
                                && (!spaced || p.Persona!.LastPublishedAt == null || p.Persona.LastPublishedAt <= lastAllowed)
                                && (p.Persona!.ThrottledUntil == null || p.Persona.ThrottledUntil <= now))
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

    /// <summary>
    /// <c>Posting:MissedPostGrace</c>: what fell due longer ago than the grace (the console was down, dispatch stopped, a
    /// backlog) goes Held with <c>Missed</c>: stale content and a burst never go out unasked. One alert and one
    /// <c>posts.missed</c> event per persona; a post an operator or a claim changed meanwhile is left to the next pass.
    /// </summary>
    private async Task HoldMissedAsync(PostingDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var grace = options.Value.MissedPostGrace;
        var missed = await db.Posts.Include(p => p.Persona).Where(Post.MissedAt(now, grace))
            .OrderBy(p => p.NextAttemptAt).ThenBy(p => p.Id).Take(500).ToListAsync(cancellationToken);
        if (missed.Count == 0) return;

        var journal = new Journal(db, hub, time);
        foreach (var persona in missed.GroupBy(p => p.Persona!))
        {
            var posts = persona.ToList();
            foreach (var post in posts)
            {
                post.HoldAsMissed(grace, now);
                journal.PostChanged(post);
            }

            journal.Log(ActivityLevel.Warning, Notice.Missed(persona.Key.Name, posts.Count), null, persona.Key.Id);
            await journal.RaiseAlertAsync(AlertKind.PostsMissed, Journal.Incidents.Missed(persona.Key.Id),
                Notice.MissedAlert(persona.Key.Name, posts.Count), persona.Key.Id, posts[0].Id, cancellationToken);
            journal.Webhook(WebhookTypes.PostsMissed, new { personaId = persona.Key.Id, postIds = posts.Select(p => p.Id).ToList() });
        }

        try
        {
            await journal.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // One of them was claimed or changed since it was read: the next pass looks again.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Gives the persona's waiting posts their turns from <paramref name="first"/> on, at least <paramref name="interval"/>
    /// apart and never earlier than they were due: each post's <c>nextAttemptAt</c> is its expected start, shown on the queue.
    /// </summary>
    private async Task SpreadAsync(PostingDbContext db, int personaId, DateTime first, TimeSpan interval, CancellationToken cancellationToken)
    {
        var waiting = await db.Posts.AsNoTracking()
            .Where(p => p.PersonaId == personaId && Claimable.Contains(p.Status) && p.NextAttemptAt < first + interval * 50)
            .OrderBy(p => p.NextAttemptAt).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.Status, p.NextAttemptAt, p.Version }).ToListAsync(cancellationToken);
        var turn = first;
        var moved = new List<PostingEvent>();
        foreach (var post in waiting)
        {
            var start = post.NextAttemptAt > turn ? post.NextAttemptAt!.Value : turn;
            if (start != post.NextAttemptAt)
            {
                // Conditional on the version read: a claim or an operator's change meanwhile wins, and the next pass looks again.
                var rows = await db.Posts.Where(p => p.Id == post.Id && p.Version == post.Version && Claimable.Contains(p.Status))
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(p => p.NextAttemptAt, start)
                        .SetProperty(p => p.Version, p => p.Version + 1), cancellationToken);
                if (rows == 1) moved.Add(new PostChanged(Now, post.Id, personaId, post.Status, null));
            }

            turn = start + interval;
        }

        if (moved.Count > 0) hub.Publish(moved);
    }

    /// <summary>
    /// The persona's waiting posts due before <paramref name="until"/> start then instead (behind its throttle circuit, or
    /// outside its posting hours), not each on its own delay. <paramref name="reason"/>, when given, says why on each post.
    /// </summary>
    private async Task HoldUntilAsync(PostingDbContext db, int personaId, DateTime until, FailureReason? reason, CancellationToken cancellationToken)
    {
        var waiting = await db.Posts.Where(p => p.PersonaId == personaId && Claimable.Contains(p.Status) && p.NextAttemptAt < until)
            .Select(p => new { p.Id, p.Status, p.FailureReason }).ToListAsync(cancellationToken);
        if (waiting.Count == 0) return;
        var ids = waiting.Select(w => w.Id).ToList();
        await db.Posts.Where(p => ids.Contains(p.Id) && Claimable.Contains(p.Status) && p.NextAttemptAt < until)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.NextAttemptAt, until)
                .SetProperty(p => p.FailureReason, p => reason ?? p.FailureReason)
                .SetProperty(p => p.Version, p => p.Version + 1), cancellationToken);
        hub.Publish(waiting.Select(w => (PostingEvent)new PostChanged(Now, w.Id, personaId, w.Status, reason ?? w.FailureReason)).ToList());
    }

    private async Task DeferForHourlyLimitAsync(PostingDbContext db, int postId, DateTime until, CancellationToken cancellationToken)
    {
        var post = await db.Posts.Include(p => p.Persona).FirstAsync(p => p.Id == postId, cancellationToken);
        if (!Claimable.Contains(post.Status)) return;
        var journal = new Journal(db, hub, time);
        post.Defer(until, post.FailureReason, $"Posting:PerPersonaHourlyLimit reached; next slot {until:u}", Now);
        journal.PostChanged(post);
        journal.Log(ActivityLevel.Warning, Notice.HourlyLimit(post.Persona!.Name), post.Id, post.PersonaId);
        try
        {
            await journal.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Claimed or changed by someone else since it was read: theirs to decide; the next pass looks again.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

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
