using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;

namespace PostingConsole.Readiness;

public sealed record ReadinessPassResult(int Posts, int MediaChecked, int Changed, int Blocked, int TokenCalls);

/// <summary>
/// The readiness check (docs/readiness.md), a pass a minute on a worker of its own: every post due within
/// <c>Readiness:Horizon</c> gets a verdict (<see cref="PostReadiness"/>) from its media (fetched by <see cref="MediaInspector"/>
/// when it entered the horizon or changed, every <see cref="ReadinessRules.MediaRecheck"/>, and once more in the last
/// <see cref="ReadinessRules.FinalCheckBefore"/>), its caption, its persona and token (<see cref="TokenCheck"/>: one
/// <c>debug_token</c> per persona per day, the only Graph call the check makes), the persona's capacity, and duplicates on other
/// personas. A verdict is written only when it changed; a persona whose posts are blocked gets one alert and one
/// <c>post.not_ready</c> event for the incident, closed when none is blocked any more.
/// </summary>
public sealed class ReadinessPass(
    IDbContextFactory<PostingDbContext> contextFactory, MediaInspector media, TokenCheck tokens, DatabaseLocks locks, EventHub hub, TimeProvider time,
    IOptions<ReadinessOptions> options, IOptions<PostingOptions> posting, ILogger<ReadinessPass> logger) : IDisposable
{
    /// <summary>Posts whose media is fetched per pass (the soonest first); the rest wait for the next pass.</summary>
    public const int MediaChecksPerPass = 200;

    private const int MediaParallelism = 4;

    private static readonly PostStatus[] Upcoming = [PostStatus.Scheduled, PostStatus.Retrying];

    /// <summary>One pass at a time in this process (the minute's run, a test's or an operator's): verdicts are written by one writer.</summary>
    private readonly SemaphoreSlim running = new(1, 1);

    /// <summary>One pass, by one console process on the database at a time (another's pass running: null, nothing done).</summary>
    public async Task<ReadinessPassResult?> RunAsync(CancellationToken cancellationToken)
    {
        ReadinessPassResult? result = null;
        await running.WaitAsync(cancellationToken);
        try
        {
            await locks.TryRunExclusiveAsync(DatabaseLocks.Key.Readiness, async ct => result = await RunOnceAsync(ct), cancellationToken);
        }
        finally
        {
            running.Release();
        }

        return result;
    }

    private async Task<ReadinessPassResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var tokenCalls = await tokens.RunAsync(cancellationToken);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var end = now + settings.Horizon;
        var posts = await db.Posts.AsNoTracking().Include(p => p.Readiness)
            .Where(p => Upcoming.Contains(p.Status) && p.NextAttemptAt <= end)
            .OrderBy(p => p.NextAttemptAt).ThenBy(p => p.Id).ToListAsync(cancellationToken);
        var personas = await db.Personas.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);

        // Media: the posts due for a fetch, soonest first, a few at a time.
        var toFetch = posts.Where(p => ReadinessRules.MediaCheckDue(p.Readiness, p.ReadinessKey, Due(p), now)).Take(MediaChecksPerPass).ToList();
        var fetched = new System.Collections.Concurrent.ConcurrentDictionary<int, (List<ReadinessProblem> Problems, ImageFingerprint? Image)>();
        await Parallel.ForEachAsync(toFetch, new ParallelOptions { MaxDegreeOfParallelism = MediaParallelism, CancellationToken = cancellationToken },
            async (post, ct) =>
            {
                try
                {
                    fetched[post.Id] = await InspectMediaAsync(post, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A file the check cannot read (a malformed one, say) is reported, never the end of the pass for every post.
                    logger.InspectionFailed(post.Id, ex);
                    fetched[post.Id] = ([new ReadinessProblem(ReadinessCode.MediaUnreachable, null, "the file could not be checked")], null);
                }
            });

        // What each post is, as this pass knows it. A post not fetched yet, or changed since its media was fetched, waits for a
        // later pass (its old verdict is about other content and is not renewed).
        var facts = new List<PostFacts>();
        foreach (var post in posts)
        {
            var last = post.Readiness;
            if (fetched.TryGetValue(post.Id, out var found))
            {
                facts.Add(new PostFacts(post, last, true, found.Problems, found.Image));
            }
            else if (last is not null && last.ContentKey == post.ReadinessKey)
            {
                facts.Add(new PostFacts(post, last, false, [.. last.Problems.Where(p => p.IsAboutMedia)],
                    last.ImageHash is { } hash ? new ImageFingerprint(hash, last.ImageColor ?? 0) : null));
            }
        }

        // Facts shared by the pass: the publishes of the last 24 hours per persona, and the posts near enough to be duplicates
        // (those checked before, as checked, and this pass's as they are now).
        var published = (await db.Posts.AsNoTracking().Where(p => p.PublishedAt > now.AddHours(-24))
                .Select(p => new { p.PersonaId, At = p.PublishedAt!.Value }).ToListAsync(cancellationToken))
            .ToLookup(p => p.PersonaId, p => p.At);
        var current = facts.ToDictionary(f => f.Post.Id, f => new NearbyPost(f.Post.Id, f.Post.PersonaId, personas[f.Post.PersonaId].Name, Due(f.Post),
            f.Image, f.Post.MediaType == MediaType.Stories ? null : ReadinessRules.CaptionKey(f.Post.FinalCaption)));
        // Duplicates are looked for when a post's media is fetched (it entered the horizon, changed, or its files are due again):
        // against the window's checked posts, those before as checked and this pass's as they are now. The other post of a pair
        // found so gets it too; between fetches a post keeps the duplicates it had.
        var pairsFound = new Dictionary<int, List<(ReadinessCode Code, NearbyPost Other)>>();
        if (!fetched.IsEmpty)
        {
            var earlier = await NearbyAsync(db, personas, now - settings.DuplicateWindow, end + settings.DuplicateWindow, cancellationToken);
            var duplicates = new DuplicateFinder(earlier.Where(n => !current.ContainsKey(n.PostId)).Concat(current.Values), settings);
            foreach (var fresh in facts.Where(f => f.Fetched))
            {
                var me = current[fresh.Post.Id];
                foreach (var (code, other) in new[] { (ReadinessCode.DuplicateImage, duplicates.SameImage(me)), (ReadinessCode.DuplicateCaption, duplicates.SameCaption(me)) })
                {
                    if (other is null) continue;
                    Pair(fresh.Post.Id, code, other);
                    if (current.ContainsKey(other.PostId)) Pair(other.PostId, code, me);
                }
            }
        }

        void Pair(int postId, ReadinessCode code, NearbyPost other)
        {
            var list = pairsFound.TryGetValue(postId, out var known) ? known : pairsFound[postId] = [];
            if (!list.Any(x => x.Code == code)) list.Add((code, other));
        }

        var capacity = facts.GroupBy(f => f.Post.PersonaId).SelectMany(g => ReadinessRules.Capacity(
                g.Select(f => new PlannedPost(f.Post.Id, Due(f.Post))).ToList(), published[g.Key].ToList(),
                personas[g.Key].QuotaTotal, posting.Value.PerPersonaHourlyLimit))
            .ToDictionary();

        var journal = new Journal(db, hub, time);
        var changed = 0;
        var verdicts = new List<(Post Post, PostReadiness Verdict)>();
        foreach (var (post, last, fresh, mediaProblems, image) in facts)
        {
            var due = Due(post);
            var me = current[post.Id];
            List<ReadinessProblem> problems = [.. mediaProblems];
            if (post.MediaType != MediaType.Stories)
            {
                problems.AddRange(Domain.PostCaption.Check(post.FinalCaption)
                    .Select(c => new ReadinessProblem(ReadinessCode.CaptionRules, c.Field, c.Message, Blocks: true)));
            }

            problems.AddRange(ReadinessRules.PersonaProblems(personas[post.PersonaId], due, settings, now));
            if (capacity.TryGetValue(post.Id, out var over)) problems.Add(over);
            var pairs = pairsFound.GetValueOrDefault(post.Id) ?? [];
            problems.AddRange(pairs.Select(x => ReadinessRules.Duplicate(x.Code, x.Other, post.Id, due, settings)));
            if (!fresh && settings.DuplicatePolicy != DuplicatePolicy.Off)
            {
                problems.AddRange(last!.Problems.Where(p => p.Code is ReadinessCode.DuplicateImage or ReadinessCode.DuplicateCaption && pairs.All(x => x.Code != p.Code)));
            }

            var state = PostReadiness.StateOf(problems);
            verdicts.Add((post, new PostReadiness { PostId = post.Id, PersonaId = post.PersonaId, State = state, Problems = problems }));
            if (!fresh && last!.State == state && last.DueAt == due && last.Problems.SequenceEqual(problems)) continue;

            var row = last is null ? new PostReadiness { PostId = post.Id } : db.PostReadiness.Attach(last).Entity;
            if (last is null) db.PostReadiness.Add(row);
            row.PersonaId = post.PersonaId;
            row.State = state;
            row.Problems = problems;
            row.CheckedAt = now;
            row.ContentKey = post.ReadinessKey;
            row.DueAt = due;
            row.ImageHash = image?.Hash;
            row.ImageColor = image?.Color;
            row.CaptionKey = me.CaptionKey;
            if (fresh) row.MediaCheckedAt = now;
            journal.PostChanged(post);
            changed++;
        }

        await RaiseIncidentsAsync(db, journal, personas, verdicts, cancellationToken);
        await journal.CommitAsync(cancellationToken);
        var blocked = verdicts.Count(v => v.Verdict.State == ReadinessState.Blocked);
        // (A verdict is renewed only when it changed; MediaChecked counts the posts fetched this pass.)
        if (changed > 0) logger.PassDone(posts.Count, fetched.Count, changed, blocked);
        return new ReadinessPassResult(posts.Count, fetched.Count, changed, blocked, tokenCalls);
    }

    public void Dispose() => running.Dispose();

    /// <summary>When the post is due: its next attempt time (the scheduled time, or a retry's).</summary>
    private static DateTime Due(Post post) => post.NextAttemptAt ?? post.ScheduledAt;


    /// <summary>A post in this pass: its last verdict, whether its media was fetched now, its media problems and its picture.</summary>
    private sealed record PostFacts(Post Post, PostReadiness? Last, bool Fetched, List<ReadinessProblem> MediaProblems, ImageFingerprint? Image);

    private async Task<(List<ReadinessProblem>, ImageFingerprint?)> InspectMediaAsync(Post post, CancellationToken cancellationToken)
    {
        var problems = new List<ReadinessProblem>();
        ImageFingerprint? image = null;
        foreach (var (field, source) in post.MediaSources)
        {
            // A cover is checked as an image Meta fetches; its placement's aspect rule is the reel's 9:16, which no feed rule covers.
            var placement = field == "coverUrl" ? MediaType.Stories : post.MediaType;
            var inspection = await media.InspectAsync(field, source, placement, cancellationToken);
            if (inspection.Problem is { } problem) problems.Add(problem);
            image ??= inspection.Image;
        }

        return (problems, image);
    }

    /// <summary>The checked posts within the duplicate window (not cancelled or failed), with the hashes they were checked with.</summary>
    private static async Task<List<NearbyPost>> NearbyAsync(PostingDbContext db, Dictionary<int, Persona> personas, DateTime since, DateTime until,
        CancellationToken cancellationToken)
    {
        var rows = await (from r in db.PostReadiness
                join p in db.Posts on r.PostId equals p.Id
                where r.DueAt >= since && r.DueAt <= until && (r.ImageHash != null || r.CaptionKey != null)
                      && p.Status != PostStatus.Cancelled && p.Status != PostStatus.Failed
                select new { r.PostId, r.PersonaId, At = p.PublishedAt ?? r.DueAt, r.ImageHash, r.ImageColor, r.CaptionKey })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new NearbyPost(r.PostId, r.PersonaId, personas.TryGetValue(r.PersonaId, out var p) ? p.Name : $"#{r.PersonaId}", r.At,
                r.ImageHash is { } hash ? new ImageFingerprint(hash, r.ImageColor ?? 0) : null, r.CaptionKey))
            .ToList();
    }

    /// <summary>One alert and one <c>post.not_ready</c> event per persona incident (posts blocked), resolved when none is.</summary>
    private static async Task RaiseIncidentsAsync(PostingDbContext db, Journal journal, Dictionary<int, Persona> personas,
        List<(Post Post, PostReadiness Verdict)> verdicts, CancellationToken cancellationToken)
    {
        var blocked = verdicts.Where(v => v.Verdict.State == ReadinessState.Blocked).GroupBy(v => v.Post.PersonaId).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (personaId, posts) in blocked)
        {
            var persona = personas[personaId];
            if (await journal.RaiseAlertAsync(AlertKind.NotReady, Journal.Incidents.NotReady(personaId), Notice.NotReadyAlert(persona.Name, posts.Count),
                    personaId, posts[0].Post.Id, cancellationToken))
            {
                journal.Webhook(WebhookTypes.PostNotReady, new
                {
                    personaId,
                    postIds = posts.Select(p => p.Post.Id).ToList(),
                    problems = posts.SelectMany(p => p.Verdict.Problems.Where(x => x.Blocks)).Select(x => x.Code.ToString()).Distinct().ToList(),
                });
            }
        }

        var open = await db.Alerts.Where(a => a.Kind == AlertKind.NotReady && a.ResolvedAt == null && a.PersonaId != null)
            .Select(a => a.PersonaId!.Value).Distinct().ToListAsync(cancellationToken);
        foreach (var personaId in open.Where(id => !blocked.ContainsKey(id)))
        {
            await journal.ResolveAlertsAsync(Journal.Incidents.NotReady(personaId), cancellationToken);
        }
    }
}

/// <summary>Coravel's minute run of <see cref="ReadinessPass"/>, on a worker of its own (the dispatcher's tick is never held up).</summary>
public sealed class CheckReadiness(ReadinessPass pass) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => pass.RunAsync(CancellationToken);
}

internal static partial class ReadinessLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Readiness: {Posts} upcoming posts, {Fetched} media checked, {Changed} verdicts changed, {Blocked} blocked")]
    public static partial void PassDone(this ILogger<ReadinessPass> logger, int posts, int fetched, int changed, int blocked);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: post {PostId}'s media could not be checked")]
    public static partial void InspectionFailed(this ILogger<ReadinessPass> logger, int postId, Exception exception);
}
