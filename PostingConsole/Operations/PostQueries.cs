using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Operations;

/// <param name="WithMissed">Also the posts held for an operator's decision on the post itself (missed, or a duplicate): the failure screen.</param>
/// <param name="OpenOrFromUtc">
/// The queue's "now": posts scheduled from then on, and older ones still in the engine's hands (running or waiting to
/// retry), so the first page is what runs and what comes next, not the history (failed and held posts are the failure
/// screen's).
/// </param>
/// <param name="NewestFirst">The history's order; otherwise scheduled order.</param>
public sealed record PostFilter(
    IReadOnlyList<PostStatus>? Statuses = null,
    int? PersonaId = null,
    DateTime? FromUtc = null,
    DateTime? ToUtc = null,
    FailureReason? FailureReason = null,
    bool WithMissed = false,
    DateTime? OpenOrFromUtc = null,
    MediaType? MediaType = null,
    bool NewestFirst = false,
    IReadOnlyCollection<int>? Ids = null);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

/// <summary>Read-side queries over posts, shared by the API and the screens. In <c>scheduledAt</c> order (newest first for the history).</summary>
public sealed class PostQueries(IDbContextFactory<PostingDbContext> contextFactory)
{
    public const int MaxPageSize = 500;

    public async Task<Page<Post>> ListAsync(PostFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var skip = (Math.Max(page, 1) - 1) * pageSize;
        if (filter is { OpenOrFromUtc: { } cutoff, NewestFirst: false })
        {
            return await ListOpenOrFromAsync(db, filter with { OpenOrFromUtc = null }, cutoff, skip, pageSize, cancellationToken);
        }

        var total = CountedByStatus(filter) is { } statuses
            ? await db.PostStatusCounts.Where(c => statuses.Contains(c.Status)).SumAsync(c => c.Count, cancellationToken)
            : await Apply(db.Posts, filter).CountAsync(cancellationToken);
        if (ByStatus(filter) is { } parts) return new Page<Post>(await ListByStatusAsync(db, parts, filter.NewestFirst, skip, pageSize, cancellationToken), total);
        var items = await InOrder(Apply(db.Posts.AsNoTracking(), filter), filter.NewestFirst).Skip(skip).Take(pageSize)
            .Include(p => p.Persona).Include(p => p.Readiness).ToListAsync(cancellationToken);
        return new Page<Post>(items, total);
    }

    /// <summary>
    /// A list of several statuses (the failure screen: failed, retrying, and held because missed) as one filter a status: each
    /// reads its page off the (Status, ScheduledAt, Id) index in order. One filter of all of them could not: SQLite fetched
    /// and sorted every failure of the year for the first 500, PostgreSQL walked the time index filtering. Null for one status.
    /// </summary>
    private static List<PostFilter>? ByStatus(PostFilter filter)
    {
        if (filter.Statuses is not { Count: > 0 } statuses || (statuses.Count == 1 && !filter.WithMissed)) return null;
        List<PostFilter> parts = [.. statuses.Distinct().Select(s => filter with { Statuses = [s], WithMissed = false })];
        if (filter.WithMissed && !statuses.Contains(PostStatus.Held))
        {
            // Held for an operator's decision on the post itself: it missed its time, or it duplicates another persona's.
            parts.AddRange(new[] { Domain.FailureReason.Missed, Domain.FailureReason.Duplicate }
                .Where(r => filter.FailureReason is null || filter.FailureReason == r)
                .Select(r => filter with { Statuses = [PostStatus.Held], WithMissed = false, FailureReason = r }));
        }

        return parts;
    }

    private static async Task<List<Post>> ListByStatusAsync(PostingDbContext db, IReadOnlyList<PostFilter> parts, bool newestFirst, int skip, int take,
        CancellationToken cancellationToken)
    {
        var merged = new List<Post>();
        foreach (var part in parts)
        {
            merged.AddRange(await InOrder(Apply(db.Posts.AsNoTracking(), part), newestFirst).Take(skip + take)
                .Include(p => p.Persona).Include(p => p.Readiness).ToListAsync(cancellationToken));
        }

        // A post that moved from one status to another between the reads is listed once.
        var distinct = merged.DistinctBy(p => p.Id);
        var ordered = newestFirst
            ? distinct.OrderByDescending(p => p.ScheduledAt).ThenByDescending(p => p.Id)
            : distinct.OrderBy(p => p.ScheduledAt).ThenBy(p => p.Id);
        return ordered.Skip(skip).Take(take).ToList();
    }

    /// <summary>
    /// The queue's "now" as its two halves, each read by an index: "from the cutoff on OR still open" in one WHERE keeps
    /// SQLite from using either index (it walked every older post in scheduled order). Older posts still open (running or
    /// retrying: a few) come first in scheduled order, then the posts from the cutoff on; the page is cut from the two in turn.
    /// </summary>
    private static async Task<Page<Post>> ListOpenOrFromAsync(PostingDbContext db, PostFilter rest, DateTime cutoff, int skip, int take,
        CancellationToken cancellationToken)
    {
        var query = Apply(db.Posts.AsNoTracking(), rest);
        var openBefore = query.Where(p => (p.Status == PostStatus.InProgress || p.Status == PostStatus.Retrying) && p.ScheduledAt < cutoff);
        var fromCutoff = query.Where(p => p.ScheduledAt >= cutoff);
        var open = await openBefore.CountAsync(cancellationToken);
        var upcoming = await fromCutoff.CountAsync(cancellationToken);
        var items = skip < open
            ? await InOrder(openBefore, newestFirst: false).Skip(skip).Take(take).Include(p => p.Persona).Include(p => p.Readiness).ToListAsync(cancellationToken)
            : [];
        if (items.Count < take)
        {
            items.AddRange(await InOrder(fromCutoff, newestFirst: false).Skip(Math.Max(0, skip - open)).Take(take - items.Count)
                .Include(p => p.Persona).Include(p => p.Readiness).ToListAsync(cancellationToken));
        }

        return new Page<Post>(items, open + upcoming);
    }

    /// <summary>
    /// The statuses whose total the database's status counts (<see cref="PostStatusCount"/>) give for <paramref name="filter"/>:
    /// a list filtered by status alone, or not at all (a year of published posts is too many to count at each page). Null when
    /// it filters by more.
    /// </summary>
    private static IReadOnlyList<PostStatus>? CountedByStatus(PostFilter filter) =>
        filter is { PersonaId: null, FromUtc: null, ToUtc: null, FailureReason: null, MediaType: null, OpenOrFromUtc: null, WithMissed: false }
            ? filter.Statuses is { Count: > 0 } statuses ? statuses : Enum.GetValues<PostStatus>()
            : null;

    private static IOrderedQueryable<Post> InOrder(IQueryable<Post> query, bool newestFirst) => newestFirst
        ? query.OrderByDescending(p => p.ScheduledAt).ThenByDescending(p => p.Id)
        : query.OrderBy(p => p.ScheduledAt).ThenBy(p => p.Id);

    /// <summary>The most posts a calendar view shows (a week of 100 personas is about 2,000).</summary>
    public const int CalendarLimit = 5000;

    /// <summary>Every post of a range the calendar shows (its filters applied), by time; at most <see cref="CalendarLimit"/>.</summary>
    public async Task<IReadOnlyList<Post>> InRangeAsync(PostFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await Apply(db.Posts.AsNoTracking(), filter).OrderBy(p => p.ScheduledAt).ThenBy(p => p.Id).Take(CalendarLimit)
            .Include(p => p.Persona).Include(p => p.Readiness).AsSplitQuery().ToListAsync(cancellationToken);
    }

    public async Task<Post?> GetAsync(int postId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Posts.AsNoTracking()
            .Include(p => p.Persona)
            .Include(p => p.Readiness)
            .Include(p => p.Attempts.OrderBy(a => a.At).ThenBy(a => a.Id))
            .FirstOrDefaultAsync(p => p.Id == postId, cancellationToken);
    }

    public static IQueryable<Post> Apply(IQueryable<Post> query, PostFilter filter)
    {
        if (filter.Statuses is { Count: > 0 } statuses)
        {
            if (filter.WithMissed && !statuses.Contains(PostStatus.Held))
            {
                // The failure screen also lists posts held because they missed their time: they wait for an operator's decision.
                // "One of these statuses, and if Held then Missed" rather than "… OR (Held AND Missed)": the status list is then an
                // index's condition (with the OR, PostgreSQL walked the whole status index to count). Its pages are read a status
                // at a time (ListByStatusAsync).
                List<PostStatus> withHeld = [.. statuses, PostStatus.Held];
                query = query.Where(p => withHeld.Contains(p.Status)
                    && (p.Status != PostStatus.Held || p.FailureReason == Domain.FailureReason.Missed || p.FailureReason == Domain.FailureReason.Duplicate));
            }
            else if (statuses.Count == 1)
            {
                // One status as an equality: PostgreSQL reads "= ANY(@list)" of one as a filter on the time index, and walked a
                // year of published posts to find the first scheduled one; "=" reads the (Status, ScheduledAt, Id) index in order.
                var only = statuses[0];
                query = query.Where(p => p.Status == only);
            }
            else
            {
                query = query.Where(p => statuses.Contains(p.Status));
            }
        }

        if (filter.Ids is { } ids) query = query.Where(p => ids.Contains(p.Id));
        if (filter.PersonaId is { } personaId) query = query.Where(p => p.PersonaId == personaId);
        if (filter.FromUtc is { } from) query = query.Where(p => p.ScheduledAt >= from);
        if (filter.ToUtc is { } to) query = query.Where(p => p.ScheduledAt < to);
        if (filter.FailureReason is { } reason) query = query.Where(p => p.FailureReason == reason);
        if (filter.MediaType is { } type) query = query.Where(p => p.MediaType == type);
        if (filter.OpenOrFromUtc is { } cutoff)
        {
            query = query.Where(p => p.ScheduledAt >= cutoff || p.Status == PostStatus.InProgress || p.Status == PostStatus.Retrying);
        }

        return query;
    }
}

public sealed record PersonaOverview(Persona Persona, int PostsLastHour, PostingRhythm? Rhythm = null);

/// <summary>A persona's rhythm over the last week (the spec's interval follow-up): posts a day and the median gap between two.</summary>
public sealed record PostingRhythm(double PostsPerDay, TimeSpan? MedianGap)
{
    public static readonly TimeSpan Period = TimeSpan.FromDays(7);

    public static PostingRhythm Of(IEnumerable<DateTime> publishedAt)
    {
        var times = publishedAt.Order().ToList();
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).Order().ToList();
        TimeSpan? median = gaps.Count == 0 ? null
            : gaps.Count % 2 == 1 ? gaps[gaps.Count / 2]
            : (gaps[gaps.Count / 2 - 1] + gaps[gaps.Count / 2]) / 2;
        return new PostingRhythm(times.Count / Period.TotalDays, median);
    }
}

/// <summary>
/// Each persona's week rhythm as last computed, kept while the persona has not published since (its <c>LastPublishedAt</c>,
/// read from the database, so a publish by any process renews it) and for <see cref="MaxAge"/> at most (the week moves on).
/// A board refresh after a publish reads one persona's week, not the fleet's.
/// </summary>
public sealed class RhythmCache
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, (DateTime? LastPublishedAt, DateTime ComputedAt, PostingRhythm Rhythm)> rhythms = new();

    public PostingRhythm? Get(Persona persona, DateTime now) =>
        rhythms.TryGetValue(persona.Id, out var kept) && kept.LastPublishedAt == persona.LastPublishedAt && now - kept.ComputedAt < MaxAge ? kept.Rhythm : null;

    public void Set(Persona persona, PostingRhythm rhythm, DateTime now) => rhythms[persona.Id] = (persona.LastPublishedAt, now, rhythm);
}

public sealed class PersonaQueries(IDbContextFactory<PostingDbContext> contextFactory, RhythmCache rhythms, TimeProvider time)
{
    public async Task<IReadOnlyList<PersonaOverview>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var hourAgo = now.AddHours(-1);
        var personas = await db.Personas.AsNoTracking().OrderBy(p => p.Name).ThenBy(p => p.Id).ToListAsync(cancellationToken);
        // The hour's publishes by the PublishedAt index (a few hundred rows), counted here: grouped in SQL, SQLite would walk the
        // (PersonaId, PublishedAt) index whole to avoid sorting.
        var lastHour = (await db.Posts.Where(p => p.PublishedAt >= hourAgo).Select(p => p.PersonaId).ToListAsync(cancellationToken))
            .CountBy(id => id).ToDictionary();
        var stale = personas.Where(p => rhythms.Get(p, now) is null).Select(p => p.Id).ToList();
        if (stale.Count > 0)
        {
            var weekAgo = now - PostingRhythm.Period;
            var published = (await db.Posts.AsNoTracking()
                    .Where(p => p.PublishedAt >= weekAgo && stale.Contains(p.PersonaId))
                    .Select(p => new { p.PersonaId, PublishedAt = p.PublishedAt!.Value })
                    .ToListAsync(cancellationToken))
                .ToLookup(p => p.PersonaId, p => p.PublishedAt);
            foreach (var persona in personas.Where(p => stale.Contains(p.Id))) rhythms.Set(persona, PostingRhythm.Of(published[persona.Id]), now);
        }

        return personas.Select(p => new PersonaOverview(p, lastHour.GetValueOrDefault(p.Id), rhythms.Get(p, now))).ToList();
    }

    public async Task<PersonaOverview?> GetAsync(int personaId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var persona = await db.Personas.AsNoTracking().FirstOrDefaultAsync(p => p.Id == personaId, cancellationToken);
        if (persona is null) return null;
        var hourAgo = time.GetUtcNow().UtcDateTime.AddHours(-1);
        var count = await db.Posts.CountAsync(p => p.PersonaId == personaId && p.PublishedAt >= hourAgo, cancellationToken);
        return new PersonaOverview(persona, count);
    }
}
