using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing.Pipeline;

namespace PostingConsole.Publishing;

/// <summary>
/// First comments of Published posts still to go out (an operator's retry, an automatic retry, a run that died after
/// publishing, a circuit that held one back), at the dispatcher's minute tick. Each is taken by the same fencing as a post:
/// one conditional UPDATE bumps the post's claim number and sets a lease (only when no lease is held), and every save after it
/// is conditional on that number, so two processes never both send one (<see cref="FirstComments"/>). It only calls while no
/// due post waits to be claimed and the call budget has a free place, and never to an account behind a circuit.
/// </summary>
public sealed class FirstCommentPass(
    IDbContextFactory<PostingDbContext> contextFactory, FirstComments comments, ClaimLeases leases, GraphCallBudget budget, TokenProtector tokens, ThrottleCircuits circuits,
    EventHub hub, TimeProvider time, IOptions<PostingOptions> options, ILogger<FirstCommentPass> logger)
{
    /// <summary>Comments per pass, so a long backlog does not hold the tick.</summary>
    private const int PerPass = 20;

    private static readonly string Process = $"{Environment.MachineName}:{Environment.ProcessId}:comments";

    /// <summary>Posts what is due; returns how many comments were tried.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.Posts.AsNoTracking()
            .Where(p => p.Status == PostStatus.Published && p.MediaId != null
                        && (p.FirstCommentState == FirstCommentState.Pending || p.FirstCommentState == FirstCommentState.Sending)
                        && (p.FirstCommentDueAt == null || p.FirstCommentDueAt <= now)
                        && (p.LeaseUntil == null || p.LeaseUntil < now)
                        && p.Persona!.Status == PersonaStatus.Active)
            .OrderBy(p => p.FirstCommentDueAt).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.PersonaId, p.ClaimNumber }).Take(PerPass).ToListAsync(cancellationToken);
        var tried = 0;
        foreach (var post in due)
        {
            if (circuits.BlockedUntil(post.PersonaId, now) is not null) continue;
            // A due post goes first: comments take what the queue leaves.
            if (await ClaimQuery.Claimable(db, now, options.Value, options.Value.MaxConcurrency).AnyAsync(cancellationToken)) break;
            await using var slot = await budget.TryTakeAsync(cancellationToken);
            if (slot is null) break;
            try
            {
                if (await SendAsync(post.Id, post.ClaimNumber, cancellationToken)) tried++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another process (or an operator's "post again") took the post meanwhile: it is theirs.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.FirstCommentPassFailed(post.Id, ex);
            }
        }

        return tried;
    }

    private async Task<bool> SendAsync(int postId, long seen, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var claim = new PostClaim(postId, seen + 1);
        var rows = await db.Posts
            .Where(p => p.Id == postId && p.ClaimNumber == seen && p.Status == PostStatus.Published && (p.LeaseUntil == null || p.LeaseUntil < now)
                        && (p.FirstCommentState == FirstCommentState.Pending || p.FirstCommentState == FirstCommentState.Sending))
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.ClaimNumber, claim.Number)
                .SetProperty(p => p.Version, p => p.Version + 1)
                .SetProperty(p => p.ClaimedBy, Process)
                .SetProperty(p => p.LeaseUntil, now + options.Value.LeaseDuration), cancellationToken);
        if (rows != 1) return false;

        var post = await db.Posts.Include(p => p.Persona).SingleAsync(p => p.Id == postId, cancellationToken);
        var journal = new Journal(db, hub, time);
        var run = new PublishRun(db, post, post.Persona!, claim, journal, cancellationToken) { Token = tokens.Unprotect(post.Persona!.ProtectedToken) };
        try
        {
            await comments.PostAsync(run, post.MediaId!);
        }
        finally
        {
            leases.Forget(claim);
        }

        post.EndFirstCommentRun(run.Now);
        journal.PostChanged(post);
        await journal.CommitAsync(cancellationToken);
        return true;
    }
}
