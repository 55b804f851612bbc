using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Publishing;

/// <summary>
/// The claim's rules as SQL: <see cref="PostingRules.DecideClaim"/> read again inside the claim's UPDATE, so what another
/// process changed since the candidates were read (a claim, a publish, a circuit) is seen atomically. It mirrors every rule of
/// <see cref="PostingRules.DecideClaim"/> but the posting window (the persona's local clock, which SQLite cannot compute; the
/// window changes only by an operator's edit). <c>ClaimRulesTests</c> holds the two against each other on generated cases.
/// </summary>
public static class ClaimQuery
{
    /// <param name="maxCalls"><c>Posting:MaxConcurrency</c>, or 1 while Meta's app circuit lets a single probe through.</param>
    public static IQueryable<Post> Claimable(PostingDbContext db, DateTime now, PostingOptions options, int maxCalls)
    {
        var hourAgo = now.AddHours(-1);
        var limit = options.PerPersonaHourlyLimit;
        var spaced = options.MinIntervalPerPersona > TimeSpan.Zero;
        var lastAllowed = now - options.MinIntervalPerPersona;
        return db.Posts
            // Due, not missed.
            .Where(Post.ClaimableAt(now, options.MissedPostGrace))
            // The shared call budget: posts in flight and side calls' slots (GraphCallBudget), in the whole database.
            .Where(p => db.Posts.Count(o => o.Status == PostStatus.InProgress) + db.GraphCallSlots.Count(o => o.Until > now) < maxCalls)
            // One post per persona in flight.
            .Where(p => !db.Posts.Any(o => o.PersonaId == p.PersonaId && o.Status == PostStatus.InProgress))
            // The account's throttle circuit.
            .Where(p => p.Persona!.ThrottledUntil == null || p.Persona.ThrottledUntil <= now)
            // Posting:MinIntervalPerPersona after the persona's last publish.
            .Where(p => !spaced || p.Persona!.LastPublishedAt == null || p.Persona.LastPublishedAt <= lastAllowed)
            // Posting:PerPersonaHourlyLimit.
            .Where(p => db.Posts.Count(o => o.PersonaId == p.PersonaId && o.PublishedAt > hourAgo) < limit);
    }
}
