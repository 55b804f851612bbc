using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Readiness;

/// <summary>An upcoming post and the verdict that speaks for it now (null: not checked yet, or changed since).</summary>
public sealed record ReadinessItem(Post Post, PostReadiness? Verdict)
{
    public DateTime DueAt => Post.NextAttemptAt ?? Post.ScheduledAt;
}

/// <summary>The upcoming posts of a window with their verdicts, and how many are in each state (<see cref="Unchecked"/>: no verdict yet).</summary>
public sealed record ReadinessReport(IReadOnlyList<ReadinessItem> Items, IReadOnlyDictionary<ReadinessState, int> Counts, int Unchecked)
{
    /// <summary>The problems of the window, each with its posts: what the readiness screen lists, the blocking ones first.</summary>
    public IReadOnlyList<(ReadinessCode Code, bool Blocks, IReadOnlyList<(ReadinessItem Item, ReadinessProblem Problem)> Posts)> ByProblem =>
        Items.Where(i => i.Verdict is not null)
            .SelectMany(i => i.Verdict!.Problems.Select(p => (Item: i, Problem: p)))
            .GroupBy(x => x.Problem.Code)
            .Select(g => (g.Key, g.Any(x => x.Problem.Blocks), (IReadOnlyList<(ReadinessItem, ReadinessProblem)>)g.OrderBy(x => x.Item.DueAt).ToList()))
            .OrderByDescending(g => g.Item2).ThenBy(g => g.Key)
            .ToList();
}

/// <summary>The read side of the readiness check: the readiness screen and <c>GET /api/readiness</c>.</summary>
public sealed class ReadinessQueries(IDbContextFactory<PostingDbContext> contextFactory)
{
    /// <summary>At most this many posts in one report (a day of 100 personas is about 2,500).</summary>
    public const int MaxPosts = 10_000;

    private static readonly PostStatus[] Upcoming = [PostStatus.Scheduled, PostStatus.Retrying];

    public async Task<ReadinessReport> ListAsync(DateTime fromUtc, DateTime toUtc, int? personaId, ReadinessState? state, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Posts.AsNoTracking().Include(p => p.Persona).Include(p => p.Readiness)
            .Where(p => Upcoming.Contains(p.Status) && p.NextAttemptAt >= fromUtc && p.NextAttemptAt < toUtc);
        if (personaId is { } id) query = query.Where(p => p.PersonaId == id);
        var posts = await query.OrderBy(p => p.NextAttemptAt).ThenBy(p => p.Id).Take(MaxPosts).ToListAsync(cancellationToken);

        var items = posts.Select(p => new ReadinessItem(p, p.CurrentReadiness)).ToList();
        var counts = Enum.GetValues<ReadinessState>().ToDictionary(s => s, s => items.Count(i => i.Verdict?.State == s));
        var unchecked_ = items.Count(i => i.Verdict is null);
        if (state is { } only) items = items.Where(i => i.Verdict?.State == only).ToList();
        return new ReadinessReport(items, counts, unchecked_);
    }
}
