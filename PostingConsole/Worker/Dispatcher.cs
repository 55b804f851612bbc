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
/// Claims due posts and runs them through <see cref="PostPublisher"/>. A claim is one conditional UPDATE
/// (status still claimable, still due, no other post of the persona in flight) that sets a lease, so a post
/// never runs twice even with two dispatchers on one database. Limits defer posts; they never fail them.
/// </summary>
public sealed class Dispatcher(
    IDbContextFactory<PostingDbContext> contextFactory,
    PostPublisher publisher,
    DispatchSignal signal,
    EventHub hub,
    TimeProvider time,
    IOptions<PostingOptions> options,
    ILogger<Dispatcher> logger) : IAsyncDisposable
{
    private static readonly PostStatus[] Claimable = [.. PostStateMachine.Claimable];
    private readonly ConcurrentDictionary<int, Task> inFlight = new();
    private readonly SemaphoreSlim tickGate = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private DateTime lastHeartbeat;

    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

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

            var claimed = await RecoverExpiredLeasesAsync(db, now, cancellationToken);
            claimed += await ClaimDueAsync(db, now, cancellationToken);
            return claimed;
        }
        finally
        {
            tickGate.Release();
        }
    }

    /// <summary>The earliest time a claimable post falls due, for the wake-up timer.</summary>
    public async Task<DateTime?> NextDueAtAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Posts.Where(p => Claimable.Contains(p.Status)).OrderBy(p => p.NextAttemptAt).Select(p => p.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
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
        var expired = await db.Posts.Where(p => p.Status == PostStatus.InProgress && p.LeaseUntil < now).Select(p => p.Id).ToListAsync(cancellationToken);
        var recovered = 0;
        foreach (var id in expired)
        {
            var leaseUntil = now + options.Value.LeaseDuration;
            var rows = await db.Posts
                .Where(p => p.Id == id && p.Status == PostStatus.InProgress && p.LeaseUntil < now)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.ClaimedBy, InstanceId).SetProperty(p => p.LeaseUntil, leaseUntil), cancellationToken);
            if (rows != 1) continue;

            logger.LogWarning("Recovering post {PostId}: its lease expired mid-flight", id);
            Start(id);
            recovered++;
        }

        return recovered;
    }

    private async Task<int> ClaimDueAsync(PostingDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var free = settings.MaxConcurrency - await db.Posts.CountAsync(p => p.Status == PostStatus.InProgress, cancellationToken);
        if (free <= 0) return 0;

        var due = await db.Posts.AsNoTracking()
            .Where(p => Claimable.Contains(p.Status) && p.NextAttemptAt <= now)
            .OrderBy(p => p.NextAttemptAt).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.PersonaId })
            .Take(Math.Max(free * 8, 100))
            .ToListAsync(cancellationToken);
        if (due.Count == 0) return 0;

        var busy = (await db.Posts.Where(p => p.Status == PostStatus.InProgress).Select(p => p.PersonaId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        var hourAgo = now.AddHours(-1);
        var personaIds = due.Select(d => d.PersonaId).Distinct().ToList();
        var lastHour = await db.Posts
            .Where(p => personaIds.Contains(p.PersonaId) && p.PublishedAt > hourAgo)
            .GroupBy(p => p.PersonaId)
            .Select(g => new { PersonaId = g.Key, Count = g.Count(), Oldest = g.Min(p => p.PublishedAt) })
            .ToDictionaryAsync(x => x.PersonaId, cancellationToken);

        var claimed = 0;
        foreach (var candidate in due)
        {
            if (busy.Contains(candidate.PersonaId)) continue; // one in flight per persona

            if (lastHour.TryGetValue(candidate.PersonaId, out var used) && used.Count >= settings.PerPersonaHourlyLimit)
            {
                await DeferForHourlyLimitAsync(db, candidate.Id, used.Oldest!.Value.AddHours(1), cancellationToken);
                continue;
            }

            var leaseUntil = now + settings.LeaseDuration;
            var rows = await db.Posts
                .Where(p => p.Id == candidate.Id && Claimable.Contains(p.Status) && p.NextAttemptAt <= now
                            && !db.Posts.Any(o => o.PersonaId == p.PersonaId && o.Status == PostStatus.InProgress))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.Status, PostStatus.InProgress)
                    .SetProperty(p => p.ClaimedBy, InstanceId)
                    .SetProperty(p => p.LeaseUntil, leaseUntil)
                    .SetProperty(p => p.UpdatedAt, now), cancellationToken);
            busy.Add(candidate.PersonaId);
            if (rows != 1) continue; // another dispatcher was quicker

            hub.Publish(new PostChanged(now, candidate.Id, candidate.PersonaId, PostStatus.InProgress, null));
            Start(candidate.Id);
            claimed++;
            if (--free == 0) break;
        }

        return claimed;
    }

    private async Task DeferForHourlyLimitAsync(PostingDbContext db, int postId, DateTime until, CancellationToken cancellationToken)
    {
        var post = await db.Posts.Include(p => p.Persona).FirstAsync(p => p.Id == postId, cancellationToken);
        if (!Claimable.Contains(post.Status)) return;
        var journal = new Journal(db, hub, time);
        post.Defer(until, post.FailureReason, $"Posting:PerPersonaHourlyLimit reached; next slot {until:u}", Now);
        journal.PostChanged(post);
        journal.Log(ActivityLevel.Warning, $"⏳ 페르소나 '{post.Persona!.Name}' 시간당 한도 도달 — 다음 가능 시각까지 대기", post.Id, post.PersonaId);
        await journal.CommitAsync(cancellationToken);
    }

    private void Start(int postId)
    {
        var token = stopping.Token;
        inFlight[postId] = Task.Run(async () =>
        {
            try
            {
                await publisher.RunAsync(postId, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Abandoned: the lease expires and the next pass reconciles the post.
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Publishing post {PostId} stopped unexpectedly; it will be reconciled when its lease expires", postId);
            }
            finally
            {
                inFlight.TryRemove(postId, out _);
                // A slot is free: the wake-up loop claims the next due post at once.
                signal.Wake();
            }
        }, CancellationToken.None);
    }
}
