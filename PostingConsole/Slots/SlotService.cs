using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Slots;

/// <summary>A persona's scores and its next best free times (the slots API).</summary>
public sealed record SlotOverview(Persona Persona, SlotScores Scores, IReadOnlyList<SlotCandidate> Next);

/// <summary>
/// Learned posting times in the database (docs/insights.md#learned-slots): gathers what <see cref="SlotLearner"/> and
/// <see cref="SlotPlanner"/> need (each persona's results from its insights, its audience, the fleet's results, its posts and
/// limits, the minutes other personas took) and places posts put on the queue with a slot instead of a time, and re-places a
/// persona's not-yet-due slotted posts (<c>PersonaOperations.ReslotAsync</c>, "다시 배치"). Placements take turns in the process, so two posts never pick the same minute.
/// </summary>
public sealed class SlotService(IDbContextFactory<PostingDbContext> contextFactory, TimeProvider time, IOptions<SlotsOptions> slots,
    IOptions<PostingOptions> posting) : IDisposable
{
    /// <summary>A slot "auto" is looked for in the next 7 days.</summary>
    public static readonly TimeSpan AutoRange = TimeSpan.FromDays(7);

    /// <summary>A slot starts at least this after now: the readiness check looks at it first.</summary>
    public static readonly TimeSpan Lead = TimeSpan.FromMinutes(30);

    /// <summary>Posts whose times count against a new slot: everything still to go out, or going.</summary>
    private static readonly PostStatus[] Upcoming = [PostStatus.Scheduled, PostStatus.Retrying, PostStatus.InProgress, PostStatus.Held];

    private readonly SemaphoreSlim placing = new(1, 1);
    private readonly Lock cacheLock = new();
    private Learning? learning;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Every persona's results, learned once per new insights read (the newest read's id says whether it changed).</summary>
    private sealed record Learning(long Version, DateTime Since, IReadOnlyDictionary<int, IReadOnlyList<SlotObservation>> ByPersona, double[]? Fleet);

    /// <summary>One placement at a time in this process: what one reads of the fleet's minutes, the next sees with its own post.</summary>
    public async Task<IDisposable> PlacingAsync(CancellationToken cancellationToken)
    {
        await placing.WaitAsync(cancellationToken);
        return new Release(placing);
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }

    public async Task<SlotScores> ScoresAsync(PostingDbContext db, Persona persona, CancellationToken cancellationToken)
    {
        var learned = await LearningAsync(db, cancellationToken);
        var own = learned.ByPersona.GetValueOrDefault(persona.Id) ?? [];
        return SlotLearner.Learn(own, persona.OnlineFollowers, learned.Fleet);
    }

    private async Task<Learning> LearningAsync(PostingDbContext db, CancellationToken cancellationToken)
    {
        var version = await db.PostInsights.MaxAsync(i => (long?)i.Id, cancellationToken) ?? 0;
        var since = Now - slots.Value.LearnFrom;
        lock (cacheLock)
        {
            if (learning is { } kept && kept.Version == version && since - kept.Since < TimeSpan.FromHours(1)) return kept;
        }

        // The reads of each feed post (a Story's metrics are of another kind) published within Slots:LearnFrom.
        var reads = await db.PostInsights.AsNoTracking()
            .Where(i => i.PublishedAt >= since && i.Unavailable == null && i.MediaType != MediaType.Stories)
            .Select(i => new { i.PostId, i.PersonaId, i.PublishedAt, i.ReadAt, i.TotalInteractions, i.Likes, i.Comments, i.Saved, i.Shares })
            .ToListAsync(cancellationToken);
        var zones = await db.Personas.AsNoTracking().Select(p => new { p.Id, p.TimeZone }).ToDictionaryAsync(p => p.Id, p => p.TimeZone, cancellationToken);
        var byPersona = new Dictionary<int, IReadOnlyList<SlotObservation>>();
        foreach (var persona in reads.GroupBy(r => r.PersonaId))
        {
            var zone = Zone(zones.GetValueOrDefault(persona.Key) ?? "Asia/Seoul");
            // Each post's first read (its 24 h one): the same age for every post, so the newest posts are not compared at a younger age.
            // A post published again is a second result, at its own time.
            var last = persona.GroupBy(r => (r.PostId, r.PublishedAt)).Select(g => g.MinBy(r => r.ReadAt)!).ToList();
            var values = SlotLearner.Relative(last.Select(r => (double)(r.TotalInteractions ?? (r.Likes ?? 0) + (r.Comments ?? 0) + (r.Saved ?? 0) + (r.Shares ?? 0))).ToList());
            byPersona[persona.Key] = last.Select((r, i) => new SlotObservation(SlotScores.HourOfWeek(Local(r.PublishedAt, zone)), values[i])).ToList();
        }

        var fleet = byPersona.Count == 0 ? null : SlotLearner.Fleet(byPersona.Values.SelectMany(o => o));
        var result = new Learning(version, since, byPersona, fleet);
        lock (cacheLock) learning = result;
        return result;
    }

    /// <summary>What the planner needs to place a post of <paramref name="persona"/> in <paramref name="fromUtc"/>–<paramref name="toUtc"/> (not counting <paramref name="exceptPostIds"/>).</summary>
    /// <param name="alsoTaken">Times of the persona's posts placed but not saved yet (a re-slot's earlier placements).</param>
    public async Task<SlotFacts> FactsAsync(PostingDbContext db, Persona persona, DateTime fromUtc, DateTime toUtc, IReadOnlyCollection<int> exceptPostIds,
        CancellationToken cancellationToken, IReadOnlyCollection<DateTime>? alsoTaken = null)
    {
        var before = fromUtc.AddDays(-1);
        var after = toUtc.AddDays(1);
        var own = await db.Posts.AsNoTracking()
            .Where(p => p.PersonaId == persona.Id && !exceptPostIds.Contains(p.Id)
                        && ((Upcoming.Contains(p.Status) && p.NextAttemptAt >= before && p.NextAttemptAt < after)
                            || (p.Status == PostStatus.Published && p.PublishedAt >= before)))
            .Select(p => p.Status == PostStatus.Published ? p.PublishedAt!.Value : p.NextAttemptAt!.Value).ToListAsync(cancellationToken);
        var fleet = await db.Posts.AsNoTracking()
            .Where(p => p.PersonaId != persona.Id && (p.Status == PostStatus.Scheduled || p.Status == PostStatus.Retrying) && p.NextAttemptAt >= fromUtc && p.NextAttemptAt < toUtc)
            .Select(p => p.NextAttemptAt!.Value).ToListAsync(cancellationToken);
        var settings = posting.Value;
        own.AddRange(alsoTaken ?? []);
        return new SlotFacts(Zone(persona.TimeZone), persona.WindowFrom, persona.WindowTo, own,
            fleet.Select(t => new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc)).ToHashSet(),
            await ScoresAsync(db, persona, cancellationToken), settings.MinIntervalPerPersona, settings.PerPersonaHourlyLimit,
            persona.QuotaTotal is > 0 and var total ? total : slots.Value.DailyQuota);
    }

    /// <summary>The range a slot asks for, as times to place in: "auto" (<paramref name="fromUtc"/> null) is the next 7 days; never before now + <see cref="Lead"/>.</summary>
    public (DateTime From, DateTime To) Range(DateTime? fromUtc, DateTime? toUtc)
    {
        var earliest = Now + Lead;
        var from = fromUtc is { } f && f > earliest ? f : earliest;
        return (from, toUtc ?? from + AutoRange);
    }

    /// <summary>The time for a post of <paramref name="persona"/> in the range (call inside <see cref="PlacingAsync"/>); null when none is free.</summary>
    public async Task<SlotCandidate?> PickAsync(PostingDbContext db, Persona persona, DateTime fromUtc, DateTime toUtc, IReadOnlyCollection<int> exceptPostIds,
        CancellationToken cancellationToken, IReadOnlyCollection<DateTime>? alsoTaken = null)
    {
        var facts = await FactsAsync(db, persona, fromUtc, toUtc, exceptPostIds, cancellationToken, alsoTaken);
        return SlotPlanner.Pick(fromUtc, toUtc, facts, explore: Random.Shared.NextDouble() < slots.Value.ExploreShare);
    }

    /// <summary>The persona's scores and its five best free times in the next 7 days.</summary>
    public async Task<SlotOverview?> OverviewAsync(int personaId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var persona = await db.Personas.AsNoTracking().FirstOrDefaultAsync(p => p.Id == personaId, cancellationToken);
        if (persona is null) return null;
        var (from, to) = Range(null, null);
        var facts = await FactsAsync(db, persona, from, to, [], cancellationToken);
        return new SlotOverview(persona, facts.Scores, SlotPlanner.Best(from, to, facts, 5));
    }

    public void Dispose() => placing.Dispose();

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
}
