using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing;

/// <summary>
/// Publishes one claimed post: persona state → (reconcile anything mid-flight) → quota (only near the account's limit)
/// → media Meta can fetch → claim checked → container (id stored; a carousel's children first, each id stored; a video read
/// until FINISHED) → publishing (stage stored, claim checked) →
/// media_publish (a container not ready yet is polled, then published) → media id stored → permalinks of the
/// account's posts still without one, in one read → Published. Every save is conditional on the claim number the run
/// was started with; a run that lost its claim stops before sending anything. No call goes to an account behind a
/// throttle circuit. What happens after an error is decided by <see cref="PostingRules"/>. Business times come from
/// <see cref="TimeProvider"/>; waits for Meta from <see cref="GraphClock"/>.
/// </summary>
public sealed class PostPublisher(
    IDbContextFactory<PostingDbContext> contextFactory,
    GraphClient graph,
    ClaimLeases leases,
    ThrottleCircuits circuits,
    GraphClock graphClock,
    TokenProtector tokens,
    ConsoleAddress address,
    ImageProbe imageProbe,
    EventHub hub,
    TimeProvider time,
    IOptions<PostingOptions> postingOptions,
    IOptions<GraphOptions> graphOptions,
    ILogger<PostPublisher> logger)
{
    // Fields over the constructor's parameters, for the nested Run.
    private readonly GraphClient graph = graph;
    private readonly ClaimLeases leases = leases;
    private readonly ThrottleCircuits circuits = circuits;
    private readonly GraphClock graphClock = graphClock;
    private readonly TokenProtector tokens = tokens;
    private readonly ConsoleAddress address = address;
    private readonly ImageProbe imageProbe = imageProbe;
    private readonly EventHub hub = hub;
    private readonly TimeProvider time = time;
    private readonly IOptions<PostingOptions> postingOptions = postingOptions;
    private readonly IOptions<GraphOptions> graphOptions = graphOptions;
    private readonly ILogger<PostPublisher> logger = logger;

    public async Task RunAsync(PostClaim claim, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var post = await db.Posts.Include(p => p.Persona).FirstAsync(p => p.Id == claim.PostId, cancellationToken);
        if (post.Status != PostStatus.InProgress || post.ClaimNumber != claim.Number)
        {
            LogLostClaim(claim, "before it started");
            return;
        }

        var run = new Run(this, db, post, claim, cancellationToken);
        try
        {
            await run.ExecuteAsync();
        }
        catch (DbUpdateConcurrencyException ex) when (ex.Entries.Any(e => e.Entity == post))
        {
            // The claim number (or the row version) moved on: another dispatcher owns the post; nothing of this run is written.
            LogLostClaim(claim, "at a save");
        }
    }

    private void LogLostClaim(PostClaim claim, string where) =>
        logger.ClaimLost(claim.PostId, claim.Number, where);

    /// <summary>One post's pass through the pipeline; holds what the steps share.</summary>
    private sealed class Run(PostPublisher owner, PostingDbContext db, Post post, PostClaim claim, CancellationToken ct)
    {
        /// <summary>How close to the last quota_total read the account's own 24-hour count may come before the quota is read again.</summary>
        private const int QuotaMargin = 2;

        private readonly Persona persona = post.Persona!;
        private readonly Journal journal = new(db, owner.hub, owner.time);
        private readonly PostingOptions options = owner.postingOptions.Value;
        private string token = "";
        private readonly Dictionary<string, Stopwatch> waits = [];

        private DateTime Now => owner.time.GetUtcNow().UtcDateTime;

        public async Task ExecuteAsync()
        {
            // Written with the first save; the dispatcher already announced ⚙️ when it claimed the post.
            journal.Log(ActivityLevel.Info, Notice.PostStarted(persona.Name), post.Id, persona.Id);

            if (!persona.CanPublish)
            {
                post.Hold(persona.HoldReason, $"Persona status: {persona.Status}", Now);
                journal.PostChanged(post);
                journal.Log(ActivityLevel.Warning, Notice.PersonaUnusable(persona.Name, persona.Status), post.Id, persona.Id);
                await journal.CommitAsync(ct);
                return;
            }

            token = owner.tokens.Unprotect(persona.ProtectedToken);

            if (post.Stage != PublishStage.NotStarted)
            {
                // Found mid-flight (a crash, an unknown outcome): find out what Meta did before sending anything.
                if (await ReconcileAsync() is Next.Stop) return;
            }

            if (!await QuotaAllowsAsync()) return;
            if (post.ContainerId is null && !await CreateContainerAsync()) return;
            await PublishAsync();
        }

        private enum Next
        {
            Continue,
            Stop,
        }

        /// <summary>
        /// One Graph call, unless the account is behind a throttle circuit (then the post waits behind it, and null is
        /// returned with nothing sent). Every answer is recorded as an attempt; a clean answer closes the account's circuit.
        /// </summary>
        /// <param name="waitBehind">False for a read that must not move the post (the permalink of a post already live).</param>
        private async Task<GraphResult<T>?> CallAsync<T>(string step, Func<Task<GraphResult<T>>> call, Func<T, string?> describe, bool waitBehind = true)
        {
            if (owner.circuits.BlockedUntil(persona.Id, Now) is { } until)
            {
                if (waitBehind) await WaitBehindCircuitAsync(until);
                return null;
            }

            owner.leases.Progress(claim);
            var result = await call();
            owner.leases.Progress(claim);
            Record(step, result, result.Value is { } value ? describe(value) : null);
            // Usage is taken from clean answers: a throttled one opens a circuit instead.
            if (result.Succeeded) await owner.circuits.SucceededAsync(persona, result.Usage, ct);
            return result;
        }

        private async Task WaitBehindCircuitAsync(DateTime until)
        {
            post.ScheduleRetry(FailureReason.RateLimited, $"Meta call limit: waiting until {until:u}", until, Now);
            journal.PostChanged(post);
            journal.Log(ActivityLevel.Warning, Notice.WaitingForMeta(persona.Name, until), post.Id, persona.Id);
            await journal.CommitAsync(ct);
        }

        private async Task<Next> ReconcileAsync()
        {
            if (post.Stage == PublishStage.MediaPublished && post.MediaId is not null)
            {
                // Live already (its media id was stored); only the permalink read was left.
                await CompleteAsync(post.MediaId);
                return Next.Stop;
            }

            if (post.ContainerId is null)
            {
                post.ForgetContainer(Now);
                return Next.Continue;
            }

            var status = await CallAsync(PublishSteps.Reconcile, () => owner.graph.GetContainerStatusAsync(post.ContainerId, token, ct), s => s.StatusCode);
            if (status is null) return Next.Stop;
            if (!status.Succeeded)
            {
                await FailAsync(status.Error!, status.Usage, PublishSteps.Reconcile);
                return Next.Stop;
            }

            switch (status.Value!.StatusCode)
            {
                case ContainerStatus.Published:
                    return await CompleteFromListAsync();
                case ContainerStatus.Finished or ContainerStatus.InProgress:
                    post.RecordPublishRefused(Now);
                    return Next.Continue;
                default:
                    // ERROR or EXPIRED: it did not go out; a new container is made.
                    post.ForgetContainer(Now);
                    return Next.Continue;
            }
        }

        /// <summary>
        /// A PUBLISHED container: its media (id and permalink) from the account's recent media, matched on caption and time;
        /// a story from the account's live stories (<c>/stories</c>, not <c>/media</c>), matched on time (it carries no caption).
        /// </summary>
        private async Task<Next> CompleteFromListAsync()
        {
            var stories = post.MediaType == MediaType.Stories;
            var list = await CallAsync(PublishSteps.Reconcile,
                () => stories
                    ? owner.graph.ListStoriesAsync(persona.IgUserId, token, ct)
                    : owner.graph.ListRecentMediaAsync(persona.IgUserId, token, post.MediaSearchSince, ct),
                items => $"{items.Count} recent {(stories ? "stories" : "media")}");
            if (list is null) return Next.Stop;
            var around = post.PublishRequestedAt ?? Now;
            // A story has no caption to match: the persona's story published closest after the publish was sent, not one
            // another post of the persona already owns.
            var owned = stories
                ? await db.Posts.Where(p => p.PersonaId == persona.Id && p.Id != post.Id && p.MediaId != null && p.MediaType == MediaType.Stories
                                            && p.PublishedAt > post.MediaSearchSince).Select(p => p.MediaId!).ToListAsync(ct)
                : [];
            var found = list.Value?
                .Where(m => stories ? ParseTimestamp(m.Timestamp) >= around.AddMinutes(-2) && !owned.Contains(m.Id) : m.Caption == post.FinalCaption)
                .OrderBy(m => Math.Abs((ParseTimestamp(m.Timestamp) - around).TotalSeconds))
                .FirstOrDefault();
            await CompleteAsync(found?.Id, found?.Permalink);
            return Next.Stop;
        }

        /// <summary>
        /// The quota is read only when it matters: no read yet, the read is a day old, or the account's usage (the last read,
        /// plus this console's publishes since) is within <see cref="QuotaMargin"/> of the last <c>quota_total</c>.
        /// media_publish enforces it anyway (2207042 defers the post).
        /// </summary>
        private async Task<bool> QuotaAllowsAsync()
        {
            // The usage read last, counted up by every publish since (never down as the window moves: it errs towards reading).
            if (persona.QuotaTotal is { } total and > 0 && persona.QuotaCheckedAt > Now.AddHours(-24) && persona.QuotaUsage < total - QuotaMargin) return true;

            var limit = await CallAsync(PublishSteps.Quota, () => owner.graph.GetPublishingLimitAsync(persona.IgUserId, token, ct),
                l => $"quota {l.QuotaUsage}/{l.Config.QuotaTotal}");
            if (limit is null) return false;
            if (!limit.Succeeded)
            {
                var kind = GraphErrorClassifier.Classify(limit.Error!, onAccount: true).Kind;
                if (kind is GraphErrorKind.ServerTrouble or GraphErrorKind.NoAnswer or GraphErrorKind.Unknown)
                {
                    return true; // A precaution only: media_publish enforces the quota itself.
                }

                await FailAsync(limit.Error!, limit.Usage, PublishSteps.Quota);
                return false;
            }

            var quota = limit.Value!;
            persona.RecordQuota(quota.QuotaUsage, quota.Config.QuotaTotal, Now);
            if (quota.Config.QuotaTotal > 0 && quota.QuotaUsage >= quota.Config.QuotaTotal)
            {
                await FailAsync(new GraphError(limit.HttpStatus, 9, 2207042, $"quota {quota.QuotaUsage}/{quota.Config.QuotaTotal} used"), limit.Usage, PublishSteps.Quota);
                return false;
            }

            return true;
        }

        /// <summary>
        /// The container Meta publishes: a feed photo, a story or a reel from the post's own media, or a carousel from its
        /// children (made first, see <see cref="CreateChildrenAsync"/>). A video is read until FINISHED before it is published.
        /// </summary>
        private async Task<bool> CreateContainerAsync()
        {
            ContainerRequest request;
            if (post.MediaType == MediaType.Carousel)
            {
                if (await CreateChildrenAsync() is not { } children) return false;
                request = new ContainerRequest(ContainerRequest.Carousel, null, null, post.FinalCaption, Children: children);
            }
            else
            {
                var media = post.Media;
                var url = await ChooseUrlAsync(media, null);
                request = post.MediaType switch
                {
                    // Instagram shows no caption on a story: none is sent (a story is found again by its time, not its caption).
                    MediaType.Stories => new ContainerRequest(ContainerRequest.Stories, media.IsVideo ? null : url, media.IsVideo ? url : null, null),
                    MediaType.Reels => new ContainerRequest(ContainerRequest.Reels, null, url, post.FinalCaption, ShareToFeed: post.ShareToFeed, CoverUrl: post.CoverUrl),
                    _ => ContainerRequest.FeedImage(url, post.FinalCaption),
                };
            }

            var created = await SendContainerAsync(PublishSteps.CreateContainer, request);
            if (created is null) return false;
            if (post.MediaType == MediaType.Carousel && created.Error is { } error && GraphErrorClassifier.Classify(error).Kind == GraphErrorKind.ContainerNotReady)
            {
                // A child is still being processed (9007/2207027): its status is read until FINISHED, then the carousel is asked for again.
                foreach (var item in post.Items)
                {
                    if (!await WaitUntilFinishedAsync(item.ContainerId!, item)) return false;
                }

                created = await SendContainerAsync(PublishSteps.CreateContainer, request);
                if (created is null) return false;
            }

            if (post.MediaType == MediaType.Carousel && created.Error is { Subcode: 2207028 } && !await BlameChildAsync()) return false;
            if (!created.Succeeded)
            {
                await FailAsync(created.Error!, created.Usage, PublishSteps.CreateContainer);
                return false;
            }

            // An image's is stored with the stage "publish requested" in one save, right before media_publish (PublishAsync).
            post.RecordContainer(created.Value!, Now);
            if (post.MediaType == MediaType.Carousel || !post.Media.IsVideo) return true;

            // A video is processed for a while: its container is stored now, then read until FINISHED.
            await SaveAsync();
            return await WaitUntilFinishedAsync(post.ContainerId!, null);
        }

        /// <summary>
        /// A carousel's children, in order: each child's container is made (<c>is_carousel_item</c>, no caption) and stored
        /// before the next, a video child read until FINISHED. A child stored by an earlier run is reused while surely
        /// unexpired, so a run that stopped between the children and the parent makes only what is missing. Returns the
        /// children's container ids, or null when a decision was taken instead.
        /// </summary>
        private async Task<List<string>?> CreateChildrenAsync()
        {
            var ids = new List<string>();
            for (var i = 0; i < post.Items.Count; i++)
            {
                var item = post.Items[i];
                var label = $"{i + 1}/{post.Items.Count}";
                if (item.HasUsableContainer(Now) && !await ReusableAsync(item, label)) return null;
                if (!item.HasUsableContainer(Now))
                {
                    if (item.ContainerId is not null) post.ForgetItemContainer(item, Now);
                    var source = item.Source;
                    var url = await ChooseUrlAsync(source, item);
                    var request = new ContainerRequest(source.IsVideo ? ContainerRequest.Video : null, source.IsVideo ? null : url, source.IsVideo ? url : null, null,
                        IsCarouselItem: true);
                    var created = await SendContainerAsync(PublishSteps.CarouselItem, request, label);
                    if (created is null) return null;
                    if (!created.Succeeded)
                    {
                        await FailAsync(created.Error!, created.Usage, PublishSteps.CreateContainer, item);
                        return null;
                    }

                    post.RecordItemContainer(item, created.Value!, Now);
                    await SaveAsync();
                }

                if (item.IsVideo && !await WaitUntilFinishedAsync(item.ContainerId!, item)) return null;
                ids.Add(item.ContainerId!);
            }

            return ids;
        }

        /// <summary>A status read for the attempt log: "item 2/3: " for a carousel child, and an ERROR's status text ("container ERROR: …", counted by the rules).</summary>
        private string Describe(ContainerStatus status, PostItem? item) =>
            (item is null ? "" : $"item {post.Items.IndexOf(item) + 1}/{post.Items.Count}: ")
            + (status.StatusCode == ContainerStatus.Error ? $"container ERROR: {status.Status}" : status.StatusCode);

        /// <summary>
        /// Meta refused a carousel (100/2207028): its children are read, and one in ERROR or EXPIRED is what the decision is
        /// about (a new child, or an image to regenerate) rather than an input error of the whole post. False when a
        /// decision was taken here.
        /// </summary>
        private async Task<bool> BlameChildAsync()
        {
            foreach (var item in post.Items.Where(i => i.ContainerId is not null))
            {
                var status = await CallAsync(PublishSteps.ContainerStatus, () => owner.graph.GetContainerStatusAsync(item.ContainerId!, token, ct), s => Describe(s, item));
                if (status is null) return false;
                if (status is { Succeeded: true, Value.StatusCode: ContainerStatus.Error or ContainerStatus.Expired })
                {
                    await FailAsync(GraphErrorClassifier.FromContainerStatus(status.Value.StatusCode, status.Value.Status), status.Usage, PublishSteps.ContainerStatus, item);
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// A child stored by an earlier run is read once before it is used again: FINISHED (or still IN_PROGRESS) is reused;
        /// ERROR or EXPIRED is forgotten here (a new child is made); an unreadable one is left to the decision on the error.
        /// </summary>
        private async Task<bool> ReusableAsync(PostItem item, string label)
        {
            var status = await CallAsync(PublishSteps.ContainerStatus, () => owner.graph.GetContainerStatusAsync(item.ContainerId!, token, ct),
                s => $"{Describe(s, item)} (stored by an earlier run)");
            if (status is null) return false;
            if (!status.Succeeded)
            {
                if (GraphErrorClassifier.Classify(status.Error!).Kind == GraphErrorKind.ContainerLost)
                {
                    post.ForgetItemContainer(item, Now);
                    return true;
                }

                await FailAsync(status.Error!, status.Usage, PublishSteps.ContainerStatus, item);
                return false;
            }

            if (status.Value!.StatusCode is ContainerStatus.Error or ContainerStatus.Expired or ContainerStatus.Published) post.ForgetItemContainer(item, Now);
            return true;
        }

        /// <summary>
        /// <c>POST /{ig-user-id}/media</c> with the lease held (<see cref="LeaseHeldAsync"/>); null when the claim was lost or the
        /// account is behind a throttle circuit (nothing sent). <paramref name="itemLabel"/> ("2/3") names a carousel child.
        /// </summary>
        private async Task<GraphResult<string>?> SendContainerAsync(string step, ContainerRequest request, string? itemLabel = null)
        {
            if (!await LeaseHeldAsync(itemLabel is null ? "before creating the container" : $"before creating carousel item {itemLabel}")) return null;
            return await CallAsync(step, () => owner.graph.CreateContainerAsync(persona.IgUserId, token, request, ct),
                id => itemLabel is null ? $"container {id}" : $"item {itemLabel}: container {id}");
        }

        /// <summary>
        /// Before a container POST: the lease was set (claim or save) less than a quarter lease ago, as far as this run
        /// knows, so no other dispatcher can have taken the post over (that needs the lease to run out); else it is renewed,
        /// conditional on the claim. An operator's change meanwhile costs at most an unused container: the save before
        /// media_publish is conditional.
        /// </summary>
        private async Task<bool> LeaseHeldAsync(string where)
        {
            var fresh = post.LeaseUntil is { } until && until - Now >= options.LeaseDuration * 3 / 4;
            if (fresh || await owner.leases.RenewAsync(claim, ct)) return true;
            owner.LogLostClaim(claim, where);
            return false;
        }

        /// <summary>
        /// The URL Meta downloads <paramref name="source"/> from: the CDN's, unless the post already fell back to its local
        /// file or the CDN does not answer now (then the console's signed link to the local file, for every item alike).
        /// </summary>
        private async Task<string> ChooseUrlAsync(MediaSource source, PostItem? item)
        {
            if (source.SendsLocalFile) return owner.address.MediaUrl(source.Path!);
            var maxBytes = MediaFormats.MaxBytes(post.MediaType, source.IsVideo);
            if (PostingRules.UseLocalFileForUnreachableCdn(Facts(item: item)) && !await owner.imageProbe.IsReachableAsync(source.Url!, maxBytes, ct))
            {
                post.FallBackToLocalFile(item, Now);
                db.PostAttempts.Add(new PostAttempt
                {
                    PostId = post.Id, ClaimNumber = claim.Number, At = Now, Step = PublishSteps.ImageCheck, Succeeded = false,
                    Message = "CDN unreachable; using the local file served by the console",
                });
                journal.Log(ActivityLevel.Warning, Notice.CdnFallback(persona.Name), post.Id, persona.Id);
                return owner.address.MediaUrl(source.Path!);
            }

            return source.Url!;
        }

        /// <summary>
        /// An image container is usually FINISHED by the time it is published, so media_publish goes right after the
        /// container is made; Meta's 9007/2207027 ("not ready") publishes nothing, and only then is the status polled.
        /// </summary>
        private async Task PublishAsync()
        {
            while (true)
            {
                if (owner.circuits.BlockedUntil(persona.Id, Now) is { } until)
                {
                    await WaitBehindCircuitAsync(until); // before the stage is stored: nothing was sent
                    return;
                }

                // Conditional on the claim number: a run that lost its claim fails here and never sends media_publish.
                post.RecordPublishRequested(Now);
                await SaveAsync();

                var published = await CallAsync(PublishSteps.Publish, () => owner.graph.PublishAsync(persona.IgUserId, token, post.ContainerId!, ct),
                    id => $"media {id}");
                if (published is null) return;
                if (published.Succeeded)
                {
                    await CompleteAsync(published.Value!);
                    return;
                }

                var error = published.Error!;
                var kind = GraphErrorClassifier.Classify(error, onAccount: true);
                if (kind.Kind == GraphErrorKind.ContainerNotReady)
                {
                    post.RecordPublishRefused(Now);
                    if (await WaitUntilFinishedAsync(post.ContainerId!, null)) continue;
                    return;
                }

                if (kind.OutcomeUnknown || kind.Kind == GraphErrorKind.ContainerLost)
                {
                    // Never retried blindly, nor a new container made on a guess: the container says whether the post went out.
                    if (await ReconcileAsync() is Next.Stop)
                    {
                        // Suspected spam stops the persona whatever reconciling found (live, not, or not known yet).
                        if (kind.Kind == GraphErrorKind.SpamSuspected) await StopForSpamAsync(error, published.Usage);
                        return;
                    }

                    await FailAsync(error, published.Usage, PublishSteps.Publish);
                    return;
                }

                post.RecordPublishRefused(Now);
                await FailAsync(error, published.Usage, PublishSteps.Publish);
                return;
            }
        }

        /// <summary>
        /// Polls a container (the post's, or a carousel <paramref name="item"/>'s) that is not ready yet, at most once a poll
        /// interval and up to <c>Graph:ContainerWaitLimit</c>, until FINISHED (true) or a decision was taken (false).
        /// </summary>
        private async Task<bool> WaitUntilFinishedAsync(string containerId, PostItem? item)
        {
            var graphOptions = owner.graphOptions.Value;
            // One wait per container and run: Meta answering 9007 again after FINISHED does not restart it (no endless loop).
            if (!waits.TryGetValue(containerId, out var waited)) waits[containerId] = waited = Stopwatch.StartNew();
            while (true)
            {
                await Task.Delay(graphOptions.ContainerPollInterval, owner.graphClock.Time, ct);
                var status = await CallAsync(PublishSteps.ContainerStatus, () => owner.graph.GetContainerStatusAsync(containerId, token, ct),
                    s => Describe(s, item));
                if (status is null) return false;
                if (!status.Succeeded)
                {
                    var kind = GraphErrorClassifier.Classify(status.Error!).Kind;
                    if (kind is not (GraphErrorKind.ServerTrouble or GraphErrorKind.NoAnswer) || waited.Elapsed > graphOptions.ContainerWaitLimit)
                    {
                        await FailAsync(status.Error!, status.Usage, PublishSteps.ContainerStatus, item);
                        return false;
                    }
                }
                else
                {
                    var code = status.Value!.StatusCode;
                    switch (code)
                    {
                        case ContainerStatus.Finished:
                            return true;
                        case ContainerStatus.Published when item is null:
                            await CompleteFromListAsync();
                            return false;
                        case ContainerStatus.Error or ContainerStatus.Expired:
                            await FailAsync(GraphErrorClassifier.FromContainerStatus(code, status.Value.Status), status.Usage, PublishSteps.ContainerStatus, item);
                            return false;
                    }

                    if (waited.Elapsed > graphOptions.ContainerWaitLimit)
                    {
                        await FailAsync(new GraphError(status.HttpStatus, 9007, 2207027, "container not FINISHED within the wait limit"), status.Usage, PublishSteps.ContainerStatus, item);
                        return false;
                    }
                }

                await SaveAsync();
            }
        }

        /// <summary>
        /// The post is live: its media id is stored first (a crash after that only reads the permalink again), then the
        /// permalinks of this post and of the account's earlier posts still without one are read in one call (best effort:
        /// a failed read never fails a live post, and a later run of the account, or the backfill, reads it again), and the
        /// post becomes Published. It stays InProgress, holding its concurrency slot, until this last call is done.
        /// </summary>
        private async Task CompleteAsync(string? mediaId, string? permalink = null)
        {
            if (mediaId is not null && permalink is null)
            {
                if (post.Stage != PublishStage.MediaPublished)
                {
                    post.RecordMediaId(mediaId, Now);
                    await SaveAsync();
                }

                permalink = await ReadPermalinksAsync(mediaId);
            }

            post.MarkPublished(mediaId, permalink, Now);
            persona.RecordPublished(Now);
            journal.PostChanged(post);
            journal.PersonaChanged(persona);
            journal.Log(ActivityLevel.Success, Notice.Published(mediaId), post.Id, persona.Id);
            journal.Webhook(WebhookTypes.PostPublished, new { postId = post.Id, personaId = persona.Id, mediaType = post.MediaType, mediaId, permalink });
            await journal.CommitAsync(ct);
        }

        private async Task<string?> ReadPermalinksAsync(string mediaId)
        {
            var backlog = await db.Posts
                .Where(p => p.PersonaId == persona.Id && p.Status == PostStatus.Published && p.MediaId != null && p.Permalink == null && p.Id != post.Id)
                .OrderByDescending(p => p.PublishedAt).Take(PermalinkBackfill.BatchSize - 1).ToListAsync(ct);
            var ids = backlog.Select(p => p.MediaId!).Prepend(mediaId).ToList();
            // Behind a circuit the post is still live: no read now, the backfill reads it later.
            var read = await CallAsync(PublishSteps.Permalink, () => owner.graph.GetPermalinksAsync(ids, token, ct), links => $"{links.Count} permalinks", waitBehind: false);
            if (read is { Succeeded: false } && ids.Count > 1 && GraphErrorClassifier.Classify(read.Error!).Kind == GraphErrorKind.BadParameter)
            {
                // One id of the backlog the token cannot see fails the whole read: this post's own link, alone.
                ids = [mediaId];
                read = await CallAsync(PublishSteps.Permalink, () => owner.graph.GetPermalinksAsync(ids, token, ct), links => $"{links.Count} permalinks", waitBehind: false);
            }

            if (read?.Value is not { } links) return null;
            foreach (var earlier in backlog.Where(p => links.ContainsKey(p.MediaId!)))
            {
                earlier.RecordPermalink(links[earlier.MediaId!], Now);
                journal.PostChanged(earlier);
            }

            return links.GetValueOrDefault(mediaId);
        }

        /// <param name="item">The carousel child the facts are about (its own local file); null for the post's own media.</param>
        private RuleFacts Facts(bool onAccount = false, int containerErrors = 0, DateTime? oldestPublish = null, PostItem? item = null) => new(
            OnAccount: onAccount,
            TransientRetries: post.TransientRetries,
            HasLocalFile: (item?.Source ?? post.Media).Path is not null,
            UsesLocalFile: (item?.Source ?? post.Media).SendsLocalFile,
            PublishMayHaveGoneOut: post.Stage == PublishStage.PublishRequested,
            ContainerErrors: containerErrors,
            OldestPublishIn24h: oldestPublish);

        /// <summary>Asks <see cref="PostingRules"/> what to do about <paramref name="error"/> and carries the decision out.</summary>
        /// <param name="item">The carousel child the error is about: a new container, or the local file, is for it alone.</param>
        private async Task FailAsync(GraphError error, GraphUsage usage, string step, PostItem? item = null)
        {
            var detail = error.ToString();
            persona.RecordError(detail, Now);
            var onAccount = step is PublishSteps.Quota or PublishSteps.CreateContainer or PublishSteps.Publish;
            var kind = GraphErrorClassifier.Classify(error, onAccount).Kind;
            var containerErrors = kind == GraphErrorKind.ContainerError
                ? await db.PostAttempts.CountAsync(a => a.PostId == post.Id && a.Step == PublishSteps.ContainerStatus && a.Message!.Contains("container ERROR"), ct)
                : 0;
            DateTime? oldest = null;
            if (kind == GraphErrorKind.QuotaReached)
            {
                var dayAgo = Now.AddHours(-24);
                oldest = await db.Posts.Where(p => p.PersonaId == persona.Id && p.PublishedAt > dayAgo)
                    .OrderBy(p => p.PublishedAt).Select(p => p.PublishedAt).FirstOrDefaultAsync(ct);
            }

            var decision = PostingRules.Decide(error, usage, Facts(onAccount, containerErrors, oldest, item), options, Now);
            // Meta says the quota is spent: so does the usage the next post decides from (it reads the quota again).
            if (decision.Reason == FailureReason.QuotaReached && persona.QuotaTotal is { } quotaTotal) persona.RecordQuota(quotaTotal, quotaTotal, Now);
            if (decision.NewContainer)
            {
                if (item is null) post.ForgetContainer(Now);
                else post.ForgetItemContainer(item, Now);
            }

            if (decision.FallBackToLocalFile) post.FallBackToLocalFile(item, Now);

            await owner.circuits.OpenAsync(decision, persona, ct);

            if (!await PersonaIncidents.TryHandleAsync(db, journal, persona, decision, detail, post, ct))
            {
                switch (decision.Action)
                {
                    case PostAction.Retry when decision.CountsAsRetry:
                        post.ScheduleTransientRetry(decision.Reason, detail, decision.At!.Value, Now);
                        journal.Log(ActivityLevel.Warning,
                            Notice.TransientRetry(persona.Name, options.TransientRetryDelay, post.TransientRetries, options.MaxTransientRetries, detail), post.Id, persona.Id);
                        break;
                    case PostAction.Retry:
                        post.ScheduleRetry(decision.Reason, detail, decision.At!.Value, Now);
                        journal.Log(ActivityLevel.Warning, decision.Circuit == CircuitScope.None
                            ? RetryNotice(decision.Reason)
                            : Notice.ThrottledRetry(persona.Name, decision.At.Value - Now, decision.Circuit == CircuitScope.App),
                            post.Id, persona.Id);
                        break;
                    case PostAction.Defer:
                        post.Defer(decision.At!.Value, decision.Reason, detail, Now);
                        journal.Log(ActivityLevel.Warning, Notice.QuotaWait(persona.Name), post.Id, persona.Id);
                        break;
                    case PostAction.Fail:
                        post.Fail(decision.Reason, detail, Now);
                        journal.Log(ActivityLevel.Error, decision.Reason switch
                        {
                            FailureReason.ImageInvalid => Notice.ImageFailed(persona.Name, detail),
                            FailureReason.InvalidInput => Notice.InputFailed(persona.Name, detail),
                            _ => Notice.Failed(persona.Name, options.MaxTransientRetries, detail),
                        }, post.Id, persona.Id);
                        break;
                }

                switch (decision.Alert)
                {
                    case AlertKind.ImageNeedsRegeneration:
                        await journal.RaiseAlertAsync(AlertKind.ImageNeedsRegeneration, Journal.Incidents.ImageInvalid(post.Id),
                            Notice.ImageAlert(persona.Name, post.Id), persona.Id, post.Id, ct);
                        break;
                    case AlertKind.PostFailed:
                        await journal.RaiseAlertAsync(AlertKind.PostFailed, Journal.Incidents.PostFailed(post.Id),
                            Notice.FailedAlert(persona.Name, post.Id, detail), persona.Id, post.Id, ct);
                        break;
                }
            }

            if (decision.ReportsFailure)
            {
                journal.Webhook(WebhookTypes.PostFailed, new { postId = post.Id, personaId = persona.Id, mediaType = post.MediaType, failureReason = post.FailureReason, message = post.LastError });
            }

            journal.PostChanged(post);
            journal.PersonaChanged(persona);
            await journal.CommitAsync(ct);
        }

        private async Task StopForSpamAsync(GraphError error, GraphUsage usage)
        {
            var decision = PostingRules.Decide(error, usage, Facts(onAccount: true), options, Now);
            // A post left waiting (its outcome still unknown) is held with the persona; a live one stays Published.
            var current = PostStateMachine.CanMove(post.Status, PostStatus.Held) ? post : null;
            await PersonaIncidents.TryHandleAsync(db, journal, persona, decision, error.ToString(), current, ct);
            if (current is not null) journal.PostChanged(post);
            journal.PersonaChanged(persona);
            await journal.CommitAsync(ct);
        }

        private Notice RetryNotice(FailureReason reason) => reason switch
        {
            FailureReason.MediaUnreachable => Notice.MediaRetry(persona.Name),
            FailureReason.Transient => Notice.ContainerRetry(persona.Name),
            _ => Notice.Retry(persona.Name, reason),
        };

        private async Task SaveAsync()
        {
            post.ExtendLease(Now + options.LeaseDuration);
            await db.SaveChangesAsync(ct);
            owner.leases.Progress(claim);
        }

        private void Record<T>(string step, GraphResult<T> result, string? success)
        {
            var error = result.Error;
            db.PostAttempts.Add(new PostAttempt
            {
                PostId = post.Id,
                ClaimNumber = claim.Number,
                At = Now,
                Step = step,
                Succeeded = result.Succeeded,
                HttpStatus = result.HttpStatus,
                Code = error?.Code,
                Subcode = error?.Subcode,
                Message = error?.ToString() ?? success,
                FbtraceId = error?.FbtraceId,
                DurationMs = result.DurationMs,
            });
            if (error is not null)
            {
                owner.logger.GraphCallFailed(step, post.Id, result.HttpStatus, error.Code, error.Subcode, error.FbtraceId, error.Message);
            }
        }

        private static DateTime ParseTimestamp(string? value) =>
            DateTimeOffset.TryParse(value?.Replace("+0000", "+00:00"), out var parsed) ? parsed.UtcDateTime : DateTime.MinValue;
    }
}
