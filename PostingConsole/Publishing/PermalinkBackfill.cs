using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing;

/// <summary>
/// No Published post stays without its link: permalinks a run could not read (a failed read, a post reconciled as live)
/// are read again, the media of one account per call (<c>GET /?ids=…</c>), at the dispatcher's minute tick. It only
/// calls while the queue leaves a place in <c>Posting:MaxConcurrency</c> free (a <see cref="GraphCallBudget"/> slot), one
/// call at a time, and never to an account behind a throttle circuit.
/// </summary>
public sealed class PermalinkBackfill(
    IDbContextFactory<PostingDbContext> contextFactory, GraphClient graph, GraphCallBudget budget, TokenProtector tokens, ThrottleCircuits circuits, EventHub hub,
    TimeProvider time, Microsoft.Extensions.Options.IOptions<Configuration.PostingOptions> options, ILogger<PermalinkBackfill> logger)
{
    /// <summary>Media per read (the same read a run makes for its own post and its account's backlog).</summary>
    public const int BatchSize = 25;

    /// <summary>Accounts read per pass, so a long backlog does not hold the tick.</summary>
    private const int AccountsPerPass = 10;

    /// <summary>Reads missing permalinks; returns how many were found.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await circuits.RefreshAsync(db, cancellationToken); // also when dispatch is stopped and no pass refreshed them
        // The accounts that waited longest first, so one account that keeps failing cannot hold the others back.
        var missing = await db.Posts
            .Where(p => p.Status == PostStatus.Published && p.MediaId != null && p.Permalink == null)
            .GroupBy(p => p.PersonaId).OrderBy(g => g.Min(p => p.UpdatedAt)).Select(g => g.Key).Take(AccountsPerPass).ToListAsync(cancellationToken);
        var found = 0;
        foreach (var personaId in missing)
        {
            if (circuits.BlockedUntil(personaId, now) is not null) continue;
            var persona = await db.Personas.SingleAsync(p => p.Id == personaId, cancellationToken);
            if (!persona.CanPublish) continue;
            var posts = await db.Posts.Where(p => p.PersonaId == personaId && p.Status == PostStatus.Published && p.MediaId != null && p.Permalink == null)
                .OrderByDescending(p => p.PublishedAt).Take(BatchSize).ToListAsync(cancellationToken);
            var read = await budget.TryCallAsync(
                () => graph.GetPermalinksAsync(posts.Select(p => p.MediaId!).ToList(), tokens.Unprotect(persona.ProtectedToken), cancellationToken), cancellationToken);
            if (read is null) break; // the queue uses the whole budget: the next tick reads

            if (!read.Succeeded)
            {
                logger.BackfillFailed(personaId, read.Error);
                // Throttled: the account's (or the app's) circuit opens as for a post, so the next pass does not call into the block.
                var decision = PostingRules.Decide(read.Error, read.Usage, new RuleFacts(), options.Value, now);
                if (await circuits.OpenAsync(decision, persona, cancellationToken) == CircuitScope.App) break;

                // An id the token cannot see fails the whole read: touch the posts so the next pass tries other accounts first.
                foreach (var post in posts) post.RecordPermalinkUnreadable(now);
                await db.SaveChangesAsync(cancellationToken);
                continue;
            }

            await circuits.SucceededAsync(persona, read.Usage, cancellationToken);
            var links = read.Value;
            var journal = new Journal(db, hub, time);
            foreach (var post in posts.Where(p => links.ContainsKey(p.MediaId!)))
            {
                post.RecordPermalink(links[post.MediaId!], now);
                journal.PostChanged(post);
                found++;
            }

            try
            {
                await journal.CommitAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear(); // an operator re-posted one meanwhile; the next pass reads again
            }
        }

        return found;
    }
}
