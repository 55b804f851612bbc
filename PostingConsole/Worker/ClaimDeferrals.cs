using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing;

namespace PostingConsole.Worker;

/// <summary>
/// Carries out the dispatcher's deferrals (<see cref="PostingRules.DecideClaim"/>): missed posts held, a persona's
/// posts spread one interval apart, held until its circuit or window opens, deferred past its hourly limit. Each write is
/// conditional on what was read: a claim or an operator's change meanwhile wins, and the next pass looks again.
/// </summary>
public sealed class ClaimDeferrals(EventHub hub, TimeProvider time, IOptions<PostingOptions> options)
{
    private static readonly PostStatus[] Claimable = PostStateMachine.Claimable;

    /// <summary>
    /// <c>Posting:MissedPostGrace</c>: what fell due longer ago than the grace (the console was down, dispatch stopped, a
    /// backlog) goes Held with <c>Missed</c>: stale content and a burst never go out unasked. One alert and one
    /// <c>posts.missed</c> event per persona; a post an operator or a claim changed meanwhile is left to the next pass.
    /// </summary>
    public async Task HoldMissedAsync(PostingDbContext db, DateTime now, CancellationToken cancellationToken)
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
    public async Task SpreadAsync(PostingDbContext db, int personaId, DateTime first, TimeSpan interval, CancellationToken cancellationToken)
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
                if (rows == 1) moved.Add(new PostChanged(time.GetUtcNow().UtcDateTime, post.Id, personaId, post.Status, null));
            }

            turn = start + interval;
        }

        if (moved.Count > 0) hub.Publish(moved);
    }

    /// <summary>
    /// The persona's waiting posts due before <paramref name="until"/> start then instead (behind its throttle circuit, or
    /// outside its posting hours), not each on its own delay. <paramref name="reason"/>, when given, says why on each post.
    /// </summary>
    public async Task HoldUntilAsync(PostingDbContext db, int personaId, DateTime until, FailureReason? reason, CancellationToken cancellationToken)
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
        hub.Publish(waiting.Select(w => (PostingEvent)new PostChanged(time.GetUtcNow().UtcDateTime, w.Id, personaId, w.Status, reason ?? w.FailureReason)).ToList());
    }

    public async Task DeferForHourlyLimitAsync(PostingDbContext db, int postId, DateTime until, CancellationToken cancellationToken)
    {
        var post = await db.Posts.Include(p => p.Persona).FirstAsync(p => p.Id == postId, cancellationToken);
        if (!Claimable.Contains(post.Status)) return;
        var journal = new Journal(db, hub, time);
        post.Defer(until, post.FailureReason, $"Posting:PerPersonaHourlyLimit reached; next slot {until:u}", time.GetUtcNow().UtcDateTime);
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
}
