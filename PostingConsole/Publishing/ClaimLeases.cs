using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Publishing;

/// <summary>A dispatcher's claim on a post: the post and the fencing token (<see cref="Post.ClaimNumber"/>) it was claimed with.</summary>
public sealed record PostClaim(int PostId, long Number);

/// <summary>
/// Keeps claims alive and checks them. A lease is renewed by a heartbeat while the run is alive, independent of the
/// pipeline's steps, and before a POST to Meta unless it was set a moment ago (media_publish is always preceded by a
/// conditional save). Each renewal is one conditional UPDATE on the claim number: when it changes no row, another
/// dispatcher has taken the post over, and the run must stop.
/// </summary>
public sealed class ClaimLeases(IDbContextFactory<PostingDbContext> contextFactory, TimeProvider time, IOptions<PostingOptions> options, ILogger<ClaimLeases> logger)
{
    private readonly TimeProvider time = time;
    private readonly IOptions<PostingOptions> options = options;
    private readonly ILogger<ClaimLeases> logger = logger;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<PostClaim, long> progress = new();

    /// <summary>Renews the lease if the claim is still this run's; false when it was lost.</summary>
    public async Task<bool> RenewAsync(PostClaim claim, CancellationToken cancellationToken)
    {
        Progress(claim);
        return await RenewLeaseAsync(claim, cancellationToken) != Renewal.Lost;
    }

    /// <summary>A claim held without a heartbeat (the first-comment pass's: one call, within its lease) is done.</summary>
    public void Forget(PostClaim claim) => progress.TryRemove(claim, out _);

    /// <summary>The run did something (a call answered, a save): the heartbeat keeps its lease only while this goes on.</summary>
    public void Progress(PostClaim claim) => progress[claim] = time.GetTimestamp();

    private enum Renewal
    {
        Renewed,
        /// <summary>The post is no longer InProgress under this claim number but the number is still this run's: the run has finished.</summary>
        Finished,
        Lost,
    }

    private async Task<Renewal> RenewLeaseAsync(PostClaim claim, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var leaseUntil = time.GetUtcNow().UtcDateTime + options.Value.LeaseDuration;
        var rows = await db.Posts
            .Where(p => p.Id == claim.PostId && p.ClaimNumber == claim.Number && p.Status == PostStatus.InProgress)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.LeaseUntil, leaseUntil), cancellationToken);
        if (rows == 1) return Renewal.Renewed;
        var number = await db.Posts.Where(p => p.Id == claim.PostId).Select(p => (long?)p.ClaimNumber).FirstOrDefaultAsync(cancellationToken);
        return number == claim.Number ? Renewal.Finished : Renewal.Lost;
    }

    /// <summary>
    /// Renews the lease every quarter of <c>Posting:LeaseDuration</c> until disposed. When the claim turns out lost,
    /// <paramref name="lost"/> is called once (the run cancels what it is doing) and the heartbeat stops.
    /// </summary>
    /// <remarks>
    /// A run that stops making progress (no call answered, no save) for a whole lease is not kept alive: its lease runs out
    /// and another pass reconciles the post, so a hung run cannot hold a post and a concurrency slot forever; and when the
    /// lease has run out the run is stopped, so it cannot make calls beside the run that took its post over.
    /// </remarks>
    public Heartbeat KeepAlive(PostClaim claim, Action lost)
    {
        Progress(claim);
        return new(this, claim, lost, options.Value.LeaseDuration / 4);
    }

    public sealed class Heartbeat : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;

        private readonly ClaimLeases owner;
        private readonly PostClaim claim;

        internal Heartbeat(ClaimLeases leases, PostClaim claim, Action lost, TimeSpan period)
        {
            owner = leases;
            this.claim = claim;
            loop = BeatAsync(leases, claim, lost, period, stop.Token);
        }

        private static async Task BeatAsync(ClaimLeases leases, PostClaim claim, Action lost, TimeSpan period, CancellationToken stopping)
        {
            var lease = leases.options.Value.LeaseDuration;
            var renewedAt = leases.time.GetTimestamp(); // the claim set the lease a moment ago
            var warned = false;
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(period, leases.time, stopping);
                    var idle = leases.time.GetElapsedTime(leases.progress.GetValueOrDefault(claim));
                    if (idle > lease)
                    {
                        // Not renewed while it makes no progress. A run that answers again within its lease goes on; once the
                        // lease has run out another process may take the post over, so the run is stopped (woken later, it
                        // would make its calls beside that run's).
                        if (!warned) leases.logger.LeaseLeftToRunOut(claim.PostId, idle);
                        warned = true;
                        if (leases.time.GetElapsedTime(renewedAt) < lease) continue;
                        lost();
                        return;
                    }

                    warned = false;
                    var at = leases.time.GetTimestamp();
                    switch (await leases.RenewLeaseAsync(claim, stopping))
                    {
                        case Renewal.Renewed:
                            renewedAt = at;
                            continue;
                        case Renewal.Finished:
                            return;
                    }

                    leases.logger.ClaimTakenOver(claim.PostId, claim.Number);
                    lost();
                    return;
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // A busy or unreachable database: the lease still has three quarters left; try again next beat.
                    leases.logger.LeaseRenewalFailed(ex, claim.PostId);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
            owner.progress.TryRemove(claim, out _);
        }
    }
}
