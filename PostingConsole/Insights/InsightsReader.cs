using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing;
using PostingConsole.Publishing.Graph;


namespace PostingConsole.Insights;

/// <param name="AccountReads">Calls that read an account with its newest media; <paramref name="BatchReads"/> by ids; <paramref name="SingleReads"/> one media each.</param>
public sealed record InsightsPassResult(int Calls, int PostsRead, int Ended, int AudiencesRead, int AccountReads = 0, int BatchReads = 0, int SingleReads = 0);

/// <summary>
/// After publishing (docs/insights.md): each published post's metrics at the ages of <see cref="InsightsSchedule"/>, the media of
/// one account in one call, and each active persona's <c>online_followers</c> once a day. A pass a minute, on a worker of its own,
/// by one console process at a time. Every call takes a free place in the Graph call budget (never one a due post waits for), is
/// made only while no due post is waiting to be claimed (a due post goes first), and never goes to an account behind a throttle
/// circuit. What is due is stored (<see cref="Post.InsightsDueAt"/>), so a restart loses nothing: a read missed while the console
/// was down happens late, once. Each read is handed on as a <c>post.insights</c> event for 010-analytics.
/// </summary>
public sealed partial class InsightsReader(
    IDbContextFactory<PostingDbContext> contextFactory, GraphClient graph, GraphCallBudget budget, TokenProtector tokens, ThrottleCircuits circuits,
    DatabaseLocks locks, InsightsSchedule schedule, EventHub hub, TimeProvider time, IOptions<InsightsOptions> options, IOptions<PostingOptions> posting,
    ILogger<InsightsReader> logger) : IDisposable
{
    /// <summary>Media per read (Meta's field expansion takes up to 50 ids; the same size as the permalink reads).</summary>
    public const int BatchSize = PermalinkBackfill.BatchSize;

    /// <summary>Due posts looked at per pass, soonest first.</summary>
    private const int PostsPerPass = 500;

    /// <summary>Personas whose <c>online_followers</c> are read per pass, so a fleet's first day is spread over minutes.</summary>
    private const int AudiencesPerPass = 10;

    /// <summary>
    /// A persona's audience is read on its own only when no read of the account carried it for this long (a new persona, a
    /// failed check): it comes daily with the account's read (this reader's, or the morning account check's).
    /// </summary>
    public static readonly TimeSpan AudienceInterval = TimeSpan.FromHours(36);

    private readonly SemaphoreSlim running = new(1, 1);

    /// <summary>One pass (null: another console process is running one).</summary>
    public async Task<InsightsPassResult?> RunAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled) return new InsightsPassResult(0, 0, 0, 0);
        InsightsPassResult? result = null;
        await running.WaitAsync(cancellationToken);
        try
        {
            await locks.TryRunExclusiveAsync(DatabaseLocks.Key.Insights, async ct => result = await RunOnceAsync(ct), cancellationToken);
        }
        finally
        {
            running.Release();
        }

        return result;
    }

    private sealed class Tally
    {
        public int Calls;
        public int Read;
        public int Ended;
        public int Audiences;
        public int AccountReads;
        public int BatchReads;
        public int SingleReads;
        public bool Stop;
    }

    private async Task<InsightsPassResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var tally = new Tally();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await circuits.RefreshAsync(db, cancellationToken);
        var now = Now;
        var due = await db.Posts.AsNoTracking()
            .Where(p => p.InsightsDueAt <= now && p.Status == PostStatus.Published && p.MediaId != null)
            // Accounts that cannot be read now wait without taking the pass's places (read once they can be again).
            .Where(p => p.Persona!.Status != PersonaStatus.NeedsReauth && p.Persona.Status != PersonaStatus.Suspended
                        && (p.Persona.ThrottledUntil == null || p.Persona.ThrottledUntil <= now))
            .OrderBy(p => p.InsightsDueAt).ThenBy(p => p.Id).Take(PostsPerPass)
            .Select(p => new { p.Id, p.PersonaId, p.MediaType }).ToListAsync(cancellationToken);
        // The accounts whose reads waited longest first; a Story's metrics apart from the feed's (each kind has its own metrics).
        foreach (var group in due.GroupBy(p => (p.PersonaId, Story: p.MediaType == MediaType.Stories)))
        {
            if (tally.Stop) break;
            try
            {
                foreach (var batch in await BatchesAsync(group.Key.PersonaId, group.Key.Story, cancellationToken))
                {
                    if (tally.Stop || !await ReadPostsAsync(group.Key.PersonaId, batch, tally, cancellationToken)) break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One account's trouble (a token this console cannot decrypt, its rows) is logged; the other accounts go on.
                logger.InsightsReadFailed(group.Key.PersonaId, ex);
            }
        }

        if (!tally.Stop) await ReadAudiencesAsync(tally, cancellationToken);
        return new InsightsPassResult(tally.Calls, tally.Read, tally.Ended, tally.Audiences, tally.AccountReads, tally.BatchReads, tally.SingleReads);
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// The account's reads for this pass (<see cref="InsightsSchedule.FireNow"/>): when one is due, every read whose window is open
    /// goes in the same call, so an account posting a few times a day is read about once a day.
    /// </summary>
    private async Task<IEnumerable<int[]>> BatchesAsync(int personaId, bool story, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = Now;
        var horizon = now + 2 * schedule.LongestRideAlong;
        var candidates = await db.Posts.AsNoTracking()
            .Where(p => p.PersonaId == personaId && p.InsightsDueAt <= horizon && p.Status == PostStatus.Published && p.MediaId != null
                        && (p.MediaType == MediaType.Stories) == story)
            .Select(p => new { p.Id, p.MediaType, p.InsightsDueAt, p.InsightsAgesRead }).ToListAsync(cancellationToken);
        var windows = candidates.Select(p => (p.Id, p.InsightsDueAt, Window: schedule.Window(p.MediaType, p.InsightsAgesRead, p.InsightsDueAt!.Value))).ToList();
        if (!InsightsSchedule.FireNow(windows.Select(w => w.Window).ToList(), now)) return [];
        return windows.Where(w => w.Window.Opens <= now).Select(w => new { w.Id, w.InsightsDueAt })
            .OrderBy(p => p.InsightsDueAt).ThenBy(p => p.Id).Select(p => p.Id).Chunk(BatchSize);
    }

    /// <summary>
    /// A place for one call: none while a due post waits to be claimed (it goes first) or while the queue fills the budget.
    /// Null stops the pass; the next one goes on.
    /// </summary>
    private async Task<IAsyncDisposable?> TakeSlotAsync(PostingDbContext db, Tally tally, CancellationToken cancellationToken)
    {
        var now = Now;
        if (await ClaimQuery.Claimable(db, now, posting.Value, posting.Value.MaxConcurrency).AnyAsync(cancellationToken))
        {
            tally.Stop = true;
            return null;
        }

        var slot = await budget.TryTakeAsync(cancellationToken);
        if (slot is null) tally.Stop = true;
        else tally.Calls++;
        return slot;
    }

    /// <summary>Reads one account's batch; false when the account's other batches should wait (its circuit, its token).</summary>
    private async Task<bool> ReadPostsAsync(int personaId, IReadOnlyList<int> postIds, Tally tally, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (circuits.BlockedUntil(personaId, Now) is not null) return false;
        var persona = await db.Personas.SingleAsync(p => p.Id == personaId, cancellationToken);
        if (persona.Status is PersonaStatus.NeedsReauth or PersonaStatus.Suspended) return false; // read once it can be again
        var posts = await db.Posts.Where(p => postIds.Contains(p.Id) && p.Status == PostStatus.Published && p.MediaId != null)
            .ToListAsync(cancellationToken);
        if (posts.Count == 0) return true;
        var token = tokens.Unprotect(persona.ProtectedToken);
        var metrics = PostMetrics.MetricsFor(posts[0].MediaType);

        var journal = new Journal(db, hub, time);
        // The account's daily read due too: one call for its quota, its audience and its newest feed media's insights.
        if (posts[0].MediaType != MediaType.Stories && AccountReadDue(persona, journal.Now))
        {
            var left = await ReadWithAccountAsync(db, journal, persona, token, posts, tally, cancellationToken);
            if (left is null)
            {
                await CommitAsync(journal, db, cancellationToken); // what the failure decided (NeedsReauth, a circuit) is kept
                return false;
            }
            if (left.Count == 0)
            {
                await CommitAsync(journal, db, cancellationToken);
                return true;
            }

            posts = left;
        }

        GraphResult<IReadOnlyDictionary<string, PostMetrics>> read;
        await using (var slot = await TakeSlotAsync(db, tally, cancellationToken))
        {
            if (slot is null)
            {
                await CommitAsync(journal, db, cancellationToken);
                return false;
            }

            read = await graph.GetInsightsAsync(posts.Select(p => p.MediaId!).Distinct().ToList(), metrics, token, cancellationToken);
            tally.BatchReads++;
        }

        var alone = new List<Post>();
        if (read.Succeeded)
        {
            await circuits.SucceededAsync(persona, read.Usage, cancellationToken);
            foreach (var post in posts)
            {
                if (read.Value.TryGetValue(post.MediaId!, out var values)) Record(db, journal, post, values, tally);
                else alone.Add(post); // Meta left it out: asked alone
            }
        }
        else
        {
            var decision = PostingRules.InsightsReadFailed(read.Error, read.Usage, batch: posts.Count > 1, posting.Value, journal.Now);
            if (!await ApplyAsync(db, journal, persona, posts, decision, read.Error, tally, cancellationToken))
            {
                await CommitAsync(journal, db, cancellationToken); // what the failure decided (NeedsReauth, a circuit) is kept
                return false;
            }
            if (decision.Action == InsightsAction.ReadEachAlone) alone.AddRange(posts);
        }

        foreach (var post in alone)
        {
            if (tally.Stop) break;
            GraphResult<PostMetrics> one;
            await using (var slot = await TakeSlotAsync(db, tally, cancellationToken))
            {
                if (slot is null) break;
                one = await graph.GetMediaInsightsAsync(post.MediaId!, metrics, token, cancellationToken);
                tally.SingleReads++;
            }

            if (one.Succeeded)
            {
                Record(db, journal, post, one.Value, tally);
                continue;
            }

            var decision = PostingRules.InsightsReadFailed(one.Error, one.Usage, batch: false, posting.Value, journal.Now);
            if (!await ApplyAsync(db, journal, persona, [post], decision, one.Error, tally, cancellationToken)) break;
        }

        await CommitAsync(journal, db, cancellationToken);
        return true;
    }

    private void Record(PostingDbContext db, Journal journal, Post post, PostMetrics values, Tally tally)
    {
        var now = journal.Now;
        var insight = PostInsight.Read(post, values, now);
        db.PostInsights.Add(insight);
        var (ages, next) = schedule.AfterRead(post.MediaType, post.PublishedAt ?? now, post.InsightsAgesRead, now);
        post.RecordInsightsRead(ages, next, now);
        journal.PostChanged(post);
        journal.Webhook(WebhookTypes.PostInsights, new
        {
            postId = post.Id,
            personaId = post.PersonaId,
            mediaId = post.MediaId,
            ageHours = insight.AgeHours,
            metrics = new
            {
                views = values.Views,
                reach = values.Reach,
                likes = values.Likes,
                comments = values.Comments,
                saved = values.Saved,
                shares = values.Shares,
                totalInteractions = values.TotalInteractions,
            },
        });
        tally.Read++;
    }

    /// <summary>Carries a failed read's decision out on its posts; false when the account's reads stop for this pass.</summary>
    private async Task<bool> ApplyAsync(PostingDbContext db, Journal journal, Persona persona, IReadOnlyList<Post> posts, InsightsDecision decision,
        GraphError error, Tally tally, CancellationToken cancellationToken)
    {
        var now = journal.Now;
        switch (decision.Action)
        {
            case InsightsAction.End:
                foreach (var post in posts)
                {
                    post.EndInsights(decision.Unavailable!.Value, now);
                    db.PostInsights.Add(PostInsight.None(post, decision.Unavailable.Value, now));
                    journal.PostChanged(post);
                    tally.Ended++;
                }

                return true;
            case InsightsAction.ReadEachAlone:
                return true;
            case InsightsAction.Later:
                logger.InsightsReadLater(persona.Id, error.ToString(), decision.At!.Value);
                foreach (var post in posts) post.PostponeInsights(decision.At.Value, now);
                return true;
            default:
                var account = decision.Account!;
                logger.InsightsReadLater(persona.Id, error.ToString(), account.CircuitUntil ?? now);
                if (await PersonaIncidents.TryHandleAsync(db, journal, persona, account, error.ToString(), null, cancellationToken))
                {
                    persona.RecordError(error.ToString(), now);
                    journal.PersonaChanged(persona);
                }
                else if (await circuits.OpenAsync(account, persona, cancellationToken) == CircuitScope.App)
                {
                    tally.Stop = true;
                }

                return false;
        }
    }

    private static async Task CommitAsync(Journal journal, PostingDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await journal.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // An operator re-posted one of them meanwhile (its reads start over): this batch's answers are dropped and read again.
            db.ChangeTracker.Clear();
        }
    }

    public void Dispose() => running.Dispose();
}

/// <summary>Coravel's minute job: one insights pass (<see cref="InsightsReader"/>).</summary>
public sealed class ReadInsights(InsightsReader reader) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => reader.RunAsync(CancellationToken);
}

internal static partial class InsightsReaderLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Insights of persona {PersonaId} could not be read or recorded; the next pass tries again")]
    public static partial void InsightsReadFailed(this ILogger<InsightsReader> logger, int personaId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insights of persona {PersonaId} not read: {Detail}; read again from {At:u}")]
    public static partial void InsightsReadLater(this ILogger<InsightsReader> logger, int personaId, string detail, DateTime at);
}
