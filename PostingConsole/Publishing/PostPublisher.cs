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
/// Publishes one claimed post: persona state → (reconcile anything mid-flight) → quota → an image Meta can
/// fetch → claim checked → container (id stored) → FINISHED → publishing (stage stored, claim checked) → media_publish →
/// media id stored → permalink (best effort) → Published. Every save is conditional on the claim number the run was
/// started with; a run that lost its claim stops before sending anything. Business times come from
/// <see cref="TimeProvider"/>; waits for Meta from <see cref="GraphClock"/>.
/// </summary>
public sealed class PostPublisher(
    IDbContextFactory<PostingDbContext> contextFactory,
    GraphClient graph,
    ClaimLeases leases,
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
        logger.LogWarning("Post {PostId}: claim {ClaimNumber} was lost ({Where}); this run stops without sending anything more", claim.PostId, claim.Number, where);

    /// <summary>One post's pass through the pipeline; holds what the steps share.</summary>
    private sealed class Run(PostPublisher owner, PostingDbContext db, Post post, PostClaim claim, CancellationToken ct)
    {
        private readonly Persona persona = post.Persona!;
        private readonly Journal journal = new(db, owner.hub, owner.time);
        private readonly PostingOptions options = owner.postingOptions.Value;
        private string token = "";

        private DateTime Now => owner.time.GetUtcNow().UtcDateTime;
        private string Who => $"페르소나 '{persona.Name}'";

        public async Task ExecuteAsync()
        {
            // Written with the first save; the dispatcher already announced ⚙️ when it claimed the post.
            journal.Log(ActivityLevel.Info, $"{Who} 포스팅 시작...", post.Id, persona.Id);

            if (!persona.CanPublish)
            {
                post.Hold(persona.HoldReason, $"페르소나 상태: {persona.Status}", Now);
                journal.PostChanged(post);
                journal.Log(ActivityLevel.Warning, $"⏸ {Who} 사용 불가 ({persona.Status}) — 포스팅 보류", post.Id, persona.Id);
                await journal.CommitAsync(ct);
                return;
            }

            token = owner.tokens.Unprotect(persona.ProtectedToken);

            if (post.Stage != PublishStage.NotStarted)
            {
                // Found mid-flight (a crash, an unknown outcome): find out what Meta did before sending anything.
                var reconciled = await ReconcileAsync();
                if (reconciled is Next.Stop) return;
            }

            if (!await QuotaAllowsAsync()) return;

            if (post.ContainerId is null && !await CreateContainerAsync()) return;
            if (!await WaitUntilFinishedAsync()) return;
            await PublishAsync();
        }

        private enum Next
        {
            Continue,
            Stop,
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

            var status = await owner.graph.GetContainerStatusAsync(post.ContainerId, token, ct);
            Record(PublishSteps.Reconcile, status, status.Value?.StatusCode);
            if (!status.Succeeded)
            {
                await FailAsync(status.Error!, status.Usage, keepOutcomeUnknown: post.Stage == PublishStage.PublishRequested);
                return Next.Stop;
            }

            switch (status.Value!.StatusCode)
            {
                case ContainerStatus.Published:
                    var found = await FindMediaAsync();
                    await CompleteAsync(found?.Id, found?.Permalink);
                    return Next.Stop;
                case ContainerStatus.Finished or ContainerStatus.InProgress:
                    post.RecordPublishRefused(Now);
                    return Next.Continue;
                default:
                    // ERROR or EXPIRED: it did not go out; a new container is made.
                    post.ForgetContainer(Now);
                    return Next.Continue;
            }
        }

        private async Task<bool> QuotaAllowsAsync()
        {
            var limit = await owner.graph.GetPublishingLimitAsync(persona.IgUserId, token, ct);
            Record(PublishSteps.Quota, limit, limit.Value is { } l ? $"quota {l.QuotaUsage}/{l.Config.QuotaTotal}" : null);
            if (!limit.Succeeded)
            {
                var kind = GraphErrorClassifier.Classify(limit.Error!).Kind;
                if (kind is GraphErrorKind.ServerTrouble or GraphErrorKind.NoAnswer or GraphErrorKind.Unknown)
                {
                    return true; // A precaution only: media_publish enforces the quota itself.
                }

                await FailAsync(limit.Error!, limit.Usage);
                return false;
            }

            var quota = limit.Value!;
            persona.RecordQuota(quota.QuotaUsage, quota.Config.QuotaTotal, Now);
            if (quota.Config.QuotaTotal > 0 && quota.QuotaUsage >= quota.Config.QuotaTotal)
            {
                await DeferForQuotaAsync();
                return false;
            }

            return true;
        }

        private async Task<bool> CreateContainerAsync()
        {
            var imageUrl = await ChooseImageUrlAsync();
            if (!await owner.leases.RenewAsync(claim, ct))
            {
                owner.LogLostClaim(claim, "before creating the container");
                return false;
            }

            var created = await owner.graph.CreateContainerAsync(persona.IgUserId, token, imageUrl, post.FinalCaption, ct);
            Record(PublishSteps.CreateContainer, created, created.Value is { } id ? $"container {id}" : null);
            if (!created.Succeeded)
            {
                await FailAsync(created.Error!, created.Usage);
                return false;
            }

            post.RecordContainer(created.Value!, Now);
            await SaveAsync();
            journal.Publish();
            return true;
        }

        private async Task<string> ChooseImageUrlAsync()
        {
            if (post.SendsLocalImage) return owner.address.MediaUrl(post.ImagePath!);
            if (post.ImagePath is not null && !await owner.imageProbe.IsReachableAsync(post.ImageUrl!, ct))
            {
                post.FallBackToLocalImage(Now);
                db.PostAttempts.Add(new PostAttempt
                {
                    PostId = post.Id, At = Now, Step = PublishSteps.ImageCheck, Succeeded = false,
                    Message = "CDN unreachable; using the local file served by the console",
                });
                journal.Log(ActivityLevel.Warning, $"{Who} CDN 접근 불가 — 로컬 파일로 재시도", post.Id, persona.Id);
                return owner.address.MediaUrl(post.ImagePath);
            }

            return post.ImageUrl!;
        }

        private async Task<bool> WaitUntilFinishedAsync()
        {
            var graphOptions = owner.graphOptions.Value;
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var status = await owner.graph.GetContainerStatusAsync(post.ContainerId!, token, ct);
                var code = status.Value?.StatusCode;
                if (code != ContainerStatus.InProgress) Record(PublishSteps.ContainerStatus, status, code);

                if (!status.Succeeded)
                {
                    var kind = GraphErrorClassifier.Classify(status.Error!).Kind;
                    if (kind is not (GraphErrorKind.ServerTrouble or GraphErrorKind.NoAnswer) || waited.Elapsed > graphOptions.ContainerWaitLimit)
                    {
                        await FailAsync(status.Error!, status.Usage);
                        return false;
                    }
                }
                else
                {
                    switch (code)
                    {
                        case ContainerStatus.Finished:
                            return true;
                        case ContainerStatus.Published:
                            var found = await FindMediaAsync();
                            await CompleteAsync(found?.Id, found?.Permalink);
                            return false;
                        case ContainerStatus.Error or ContainerStatus.Expired:
                            post.ForgetContainer(Now);
                            await FailAsync(new GraphError(status.HttpStatus, null, null, $"container {code}: {status.Value!.Status}"), status.Usage);
                            return false;
                    }

                    if (waited.Elapsed > graphOptions.ContainerWaitLimit)
                    {
                        await FailAsync(new GraphError(status.HttpStatus, 9007, 2207027, "container not FINISHED within the wait limit"), status.Usage);
                        return false;
                    }
                }

                await SaveAsync();
                await Task.Delay(graphOptions.ContainerPollInterval, owner.graphClock.Time, ct);
            }
        }

        private async Task PublishAsync()
        {
            // Conditional on the claim number: a run that lost its claim fails here and never sends media_publish.
            post.RecordPublishRequested(Now);
            await SaveAsync();

            var published = await owner.graph.PublishAsync(persona.IgUserId, token, post.ContainerId!, ct);
            Record(PublishSteps.Publish, published, published.Value is { } id ? $"media {id}" : null);
            if (published.Succeeded)
            {
                await CompleteAsync(published.Value!);
                return;
            }

            var error = published.Error!;
            if (GraphErrorClassifier.Classify(error).OutcomeUnknown)
            {
                // Never retried blindly: the container says whether the post went out.
                if (await ReconcileAsync() is Next.Stop) return;
                await FailAsync(error, published.Usage);
                return;
            }

            post.RecordPublishRefused(Now);
            await FailAsync(error, published.Usage);
        }

        /// <summary>
        /// The post is live: its media id is stored first (a crash after that only reads the permalink again), then the
        /// permalink is read (best effort: a failed read never fails a live post) and the post becomes Published. The post
        /// stays InProgress, holding its concurrency slot, until this last call is done.
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

                var read = await owner.graph.GetPermalinkAsync(mediaId, token, ct);
                Record(PublishSteps.Permalink, read, read.Value?.Permalink);
                permalink = read.Value?.Permalink;
            }

            post.MarkPublished(mediaId, permalink, Now);
            persona.RecordPublished(Now);
            journal.PostChanged(post);
            journal.PersonaChanged(persona);
            journal.Log(ActivityLevel.Success, $"✅ 성공! 포스트 ID: {mediaId ?? "(확인 중)"}", post.Id, persona.Id);
            journal.Webhook(WebhookTypes.PostPublished, new { postId = post.Id, personaId = persona.Id, mediaId, permalink });
            await journal.CommitAsync(ct);
        }

        /// <summary>A PUBLISHED container: its media (id and permalink) from the account's recent media, matched on caption and time.</summary>
        private async Task<MediaItem?> FindMediaAsync()
        {
            var since = (post.PublishRequestedAt ?? post.UpdatedAt).AddMinutes(-30);
            var list = await owner.graph.ListRecentMediaAsync(persona.IgUserId, token, since, ct);
            Record(PublishSteps.Reconcile, list, list.Value is { } items ? $"{items.Count} recent media" : null);
            var around = post.PublishRequestedAt ?? Now;
            return list.Value?
                .Where(m => m.Caption == post.FinalCaption)
                .OrderBy(m => Math.Abs((ParseTimestamp(m.Timestamp) - around).TotalSeconds))
                .FirstOrDefault();
        }

        private async Task FailAsync(GraphError error, GraphUsage usage, bool keepOutcomeUnknown = false)
        {
            var cls = GraphErrorClassifier.Classify(error);
            persona.RecordError(error.ToString(), Now);
            var detail = error.ToString();

            switch (cls.Kind)
            {
                case GraphErrorKind.TokenDead or GraphErrorKind.PermissionMissing or GraphErrorKind.AccountRestricted or GraphErrorKind.PolicyBlock:
                    await PersonaIncidents.TryHandleAsync(db, journal, persona, cls, detail, post, ct);
                    break;

                case GraphErrorKind.Throttled or GraphErrorKind.SpamSuspected:
                    var wait = usage.RegainAccessIn ?? options.RateLimitRetryDelay;
                    if (cls.Kind == GraphErrorKind.SpamSuspected) wait = options.RateLimitRetryDelay * 3;
                    post.ScheduleRetry(FailureReason.RateLimited, detail, Now + wait, Now);
                    journal.Log(ActivityLevel.Warning, $"⏳ {Who} Rate Limit — {wait.TotalMinutes:0}분 후 재시도", post.Id, persona.Id);
                    break;

                case GraphErrorKind.QuotaReached:
                    await DeferForQuotaAsync(commit: false);
                    break;

                case GraphErrorKind.MediaDownloadFailed when post.ImagePath is not null && !post.UseLocalImage:
                    post.FallBackToLocalImage(Now);
                    post.ForgetContainer(Now);
                    post.ScheduleRetry(FailureReason.MediaUnreachable, detail, Now, Now);
                    journal.Log(ActivityLevel.Warning, $"{Who} 이미지 다운로드 실패 — 로컬 파일로 재시도", post.Id, persona.Id);
                    break;

                case GraphErrorKind.ImageInvalid:
                    post.Fail(FailureReason.ImageInvalid, detail, Now);
                    await journal.RaiseAlertAsync(AlertKind.ImageNeedsRegeneration, Journal.Incidents.ImageInvalid(post.Id),
                        $"{Who} 포스트 #{post.Id}: 이미지 재생성 필요", persona.Id, post.Id, ct);
                    journal.Log(ActivityLevel.Error, $"❌ {Who} 이미지 오류 — 이미지 재생성 필요 ({detail})", post.Id, persona.Id);
                    break;

                case GraphErrorKind.InvalidInput or GraphErrorKind.BadParameter:
                    post.Fail(FailureReason.InvalidInput, detail, Now);
                    journal.Log(ActivityLevel.Error, $"❌ {Who} 입력 오류 ({detail})", post.Id, persona.Id);
                    break;

                case GraphErrorKind.ContainerLost or GraphErrorKind.MediaNotFound:
                    post.ForgetContainer(Now);
                    RetryOrFail(FailureReason.Transient, detail);
                    break;

                default:
                    RetryOrFail(keepOutcomeUnknown || post.Stage == PublishStage.PublishRequested ? FailureReason.OutcomeUnknown : cls.Reason, detail);
                    break;
            }

            if (post.Status == PostStatus.Failed)
            {
                journal.Webhook(WebhookTypes.PostFailed, new { postId = post.Id, personaId = persona.Id, failureReason = post.FailureReason, message = post.LastError });
            }

            journal.PostChanged(post);
            journal.PersonaChanged(persona);
            await journal.CommitAsync(ct);
        }

        /// <summary>Transient trouble: retry after <c>TransientRetryDelay</c> up to <c>MaxTransientRetries</c> times, then Failed.</summary>
        private void RetryOrFail(FailureReason reason, string detail)
        {
            if (post.TransientRetries < options.MaxTransientRetries)
            {
                post.ScheduleTransientRetry(reason, detail, Now + options.TransientRetryDelay, Now);
                journal.Log(ActivityLevel.Warning,
                    $"❌ {Who} 실패 (API 오류) — {options.TransientRetryDelay.TotalMinutes:0.#}분 후 재시도 ({post.TransientRetries}/{options.MaxTransientRetries}): {detail}",
                    post.Id, persona.Id);
            }
            else
            {
                post.Fail(reason, detail, Now);
                journal.Log(ActivityLevel.Error, $"❌ {Who} 실패 — 자동 재시도 {options.MaxTransientRetries}회 모두 실패: {detail}", post.Id, persona.Id);
            }
        }

        /// <summary>Over Instagram's quota: wait for the next free slot of the moving 24-hour window.</summary>
        private async Task DeferForQuotaAsync(bool commit = true)
        {
            var dayAgo = Now.AddHours(-24);
            var oldest = await db.Posts.Where(p => p.PersonaId == persona.Id && p.PublishedAt > dayAgo)
                .OrderBy(p => p.PublishedAt).Select(p => p.PublishedAt).FirstOrDefaultAsync(ct);
            var until = oldest is { } first ? first.AddHours(24).AddMinutes(1) : Now + options.RateLimitRetryDelay;
            if (until <= Now) until = Now + options.RateLimitRetryDelay;
            post.Defer(until, FailureReason.QuotaReached, "Instagram publishing quota reached", Now);
            journal.Log(ActivityLevel.Warning, $"⏳ {Who} 게시 한도 도달 — 다음 가능 시각까지 대기", post.Id, persona.Id);
            if (commit)
            {
                journal.PostChanged(post);
                journal.PersonaChanged(persona);
                await journal.CommitAsync(ct);
            }
        }

        private async Task SaveAsync()
        {
            post.ExtendLease(Now + options.LeaseDuration);
            await db.SaveChangesAsync(ct);
        }

        private void Record<T>(string step, GraphResult<T> result, string? success)
        {
            var error = result.Error;
            db.PostAttempts.Add(new PostAttempt
            {
                PostId = post.Id,
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
                owner.logger.LogWarning("Graph {Step} for post {PostId} failed: HTTP {HttpStatus} code {Code}/{Subcode} trace {FbtraceId}: {Message}",
                    step, post.Id, result.HttpStatus, error.Code, error.Subcode, error.FbtraceId, error.Message);
            }
        }

        private static DateTime ParseTimestamp(string? value) =>
            DateTimeOffset.TryParse(value?.Replace("+0000", "+00:00"), out var parsed) ? parsed.UtcDateTime : DateTime.MinValue;
    }
}
