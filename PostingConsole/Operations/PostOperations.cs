using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing;
using PostingConsole.Security;

namespace PostingConsole.Operations;

/// <param name="Slot">Placed by the console instead of at <paramref name="ScheduledAtUtc"/>: the range to place it in (null ends: "auto", the next 7 days).</param>
/// <param name="AiGenerated">Instagram's AI label; null: the persona's <see cref="Persona.AiLabelDefault"/>.</param>
public sealed record NewPost(int PersonaId, PostContent Content, string Caption, IReadOnlyList<string>? Hashtags, DateTime ScheduledAtUtc, string? ExternalId,
    SlotRange? Slot = null, bool? AiGenerated = null, PostFields? Fields = null, string? FirstComment = null);

/// <summary>A slot asked for instead of a time: "auto" (both null) or a range.</summary>
public sealed record SlotRange(DateTime? After, DateTime? Before);

/// <param name="Fields">The optional fields after the edit, from the stored ones (null: unchanged).</param>
/// <param name="FirstComment">The new first comment ("" removes it; null: unchanged).</param>
public sealed record PostEdit(string? Caption, IReadOnlyList<string>? Hashtags, DateTime? ScheduledAtUtc,
    bool? AiGenerated = null, Func<PostFields, PostFields>? Fields = null, string? FirstComment = null);

/// <param name="IncludeHeld">Held posts too (the API's "every match"); the failure screen retries only what it lists.</param>
/// <param name="IncludeMissed">Also posts held because they missed their time (what the failure screen lists).</param>
public sealed record PostMatch(PostStatus? Status, FailureReason? FailureReason, int? PersonaId, bool IncludeHeld = true, bool IncludeMissed = false);

/// <summary>
/// Operator actions on posts. The HTTP API and the screens both call these, so a rule lives in one place:
/// each loads the post, applies the domain method, commits, and publishes what changed.
/// </summary>
public sealed class PostOperations(IDbContextFactory<PostingDbContext> contextFactory, EventHub hub, TimeProvider time, DispatchSignal signal,
    ContainerCheck containers, IOptions<PostingOptions> options, Slots.SlotService slots)
{
    /// <summary>Posting:ScheduleJitter: a new or rescheduled post's start is drawn once within ± the setting of its time.</summary>
    private void DrawStart(Post post, DateTime now)
    {
        var jitter = options.Value.ScheduleJitter;
        if (jitter > TimeSpan.Zero) post.Jitter(PostingRules.JitterOffset(jitter, Random.Shared.NextDouble()), now);
    }

    /// <summary>Puts an approved post on the queue (not audited: the post itself records its intake).</summary>
    public async Task<OperationResult<Post>> CreateAsync(Actor actor, NewPost request, CancellationToken cancellationToken)
    {
        if (!actor.Can(Permission.Operate)) return OperationResult<Post>.Forbidden(actor, Permission.Operate);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (request.ExternalId is { } externalId
            && await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.ExternalId == externalId, cancellationToken) is { } existing)
        {
            return OperationResult<Post>.Ok(existing);
        }

        var journal = new Journal(db, hub, time);
        var persona = await db.Personas.FirstAsync(p => p.Id == request.PersonaId, cancellationToken);
        // A slot: placed and saved in one turn, so the next placement sees this post's minute.
        using var turn = request.Slot is null ? null : await slots.PlacingAsync(cancellationToken);
        var post = Post.Create(request.PersonaId, request.Content, request.Caption, request.Hashtags,
            request.ScheduledAtUtc, request.ExternalId, journal.Now);
        post.SetFields(request.AiGenerated ?? persona.AiLabelDefault, request.Fields ?? PostFields.None, request.FirstComment ?? "", journal.Now);
        if (request.Slot is { } slot)
        {
            var (from, to) = slots.Range(slot.After, slot.Before);
            var choice = await slots.PickAsync(db, persona, from, to, [], cancellationToken);
            if (choice is null)
            {
                return OperationResult<Post>.Invalid(new Dictionary<string, string[]>
                {
                    ["slot"] = [$"slot: no free time for persona {persona.Name} between {from:yyyy-MM-dd'T'HH:mm'Z'} and {to:yyyy-MM-dd'T'HH:mm'Z'} " +
                                "(its posting window, Posting:MinIntervalPerPersona, the hourly and 24-hour limits, and the minutes other personas took)."],
                });
            }

            post.PlaceInSlot(choice.At, choice.Reason, choice.Score, from, to, journal.Now);
        }
        else
        {
            DrawStart(post, journal.Now);
        }
        if (!persona.CanPublish)
        {
            post.Hold(PostingRules.PersonaUnusable(persona.Status).Reason, $"Persona status: {persona.Status}", journal.Now);
        }

        db.Posts.Add(post);
        journal.PostChanged(post);
        try
        {
            await journal.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException) when (request.ExternalId is not null)
        {
            // Another request with the same externalId won the race: answer with its post.
            await using var again = await contextFactory.CreateDbContextAsync(cancellationToken);
            var winner = await again.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.ExternalId == request.ExternalId, cancellationToken);
            if (winner is null) throw;
            return OperationResult<Post>.Ok(winner);
        }

        // The loop re-plans its timer: this post may fall due before the time it planned for.
        signal.Wake();
        return OperationResult<Post>.Created(post);
    }

    /// <summary>
    /// Edits schedule, caption or hashtags. The merged post is validated as a whole (stored hashtags count). What
    /// Instagram receives is the post as it stands: a content change drops a stored container, but one that may have
    /// gone out (publish requested, answer unknown) is first asked about at Meta; if it is live, the edit is refused
    /// and the post is put on the queue to be reconciled as Published.
    /// </summary>
    public async Task<OperationResult<Post>> EditAsync(Actor actor, int postId, PostEdit edit, CancellationToken cancellationToken)
    {
        if (!actor.Can(Permission.Operate)) return OperationResult<Post>.Forbidden(actor, Permission.Operate);
        Post? read;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            read = await db.Posts.AsNoTracking().Include(p => p.Persona).FirstOrDefaultAsync(p => p.Id == postId, cancellationToken);
        }

        if (read is null) return OperationResult<Post>.NotFound($"Post {postId} does not exist.");
        if (!read.IsEditable) return OperationResult<Post>.Conflict($"A {read.Status} post cannot be edited.");

        if (edit.FirstComment is { } newComment && newComment.Trim() != (read.FirstComment ?? "") && !read.FirstCommentEditable)
        {
            return OperationResult<Post>.Conflict(
                "첫 댓글은 이미 인스타그램에 보냈을 수 있어 바꿀 수 없습니다. " +
                "(The first comment may already be on Instagram, so it cannot be changed.)");
        }

        var fields = edit.Fields?.Invoke(read.Fields);
        var comment = edit.FirstComment is null ? read.FirstComment : edit.FirstComment.Length == 0 ? null : edit.FirstComment;
        var problems = PostCaption.Check(read.FinalCaptionAfter(edit.Caption, edit.Hashtags))
            .Concat(PostFieldRules.Check(read.MediaType, fields ?? read.Fields, comment, read.Items.Select(i => i.IsVideo).ToList())).ToList();
        if (problems.Count > 0)
        {
            return OperationResult<Post>.Invalid(problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()));
        }

        var contentChanges = read.WouldChangeContent(edit.Caption, edit.Hashtags) || read.WouldChangeFields(edit.AiGenerated, fields);
        if (contentChanges && read.ContainerId is not null && read.PublishRequestedAt is not null)
        {
            switch (await containers.ReadAsync(read.Persona!, read, cancellationToken))
            {
                case ContainerFate.Published:
                    // Live with the caption it had: back on the queue with its container, so the dispatcher reconciles it to Published.
                    var requeued = await ChangeAsync(actor, AuditActions.PostRetry, "reconcile: already live on Instagram", postId, read.Version, (post, now) =>
                    {
                        if (!PostStateMachine.CanMove(post.Status, PostStatus.Scheduled)) return $"A {post.Status} post cannot be put back on the queue.";
                        post.MarkOutcomeUnknown(now);
                        post.RetryManually(now, now);
                        return null;
                    }, cancellationToken);
                    if (!requeued.Succeeded) return requeued;
                    return OperationResult<Post>.Conflict(
                        "이 포스트는 이미 인스타그램에 게시되었습니다 — 수정할 수 없습니다. 곧 완료로 표시됩니다. " +
                        "(This post is already live on Instagram, so it cannot be edited; it will show as published shortly.)");
                case ContainerFate.Unknown:
                    return OperationResult<Post>.Conflict(
                        "인스타그램에서 이 포스트의 게시 여부를 확인하지 못했습니다. 잠시 후 다시 시도하세요. " +
                        "(Instagram could not confirm whether this post went out; nothing was changed. Try again shortly.)");
            }
        }

        return await ChangeAsync(actor, AuditActions.PostEdit, Describe(edit), postId, read.Version, (post, now) =>
        {
            if (!post.IsEditable) return $"A {post.Status} post cannot be edited.";
            if (edit.FirstComment is { } comment && comment.Trim() != (post.FirstComment ?? "") && !post.FirstCommentEditable)
                return "The first comment may already be on Instagram; it cannot be changed.";
            post.Edit(edit.Caption, edit.Hashtags, edit.ScheduledAtUtc, post.Persona!.CanPublish, now);
            if (edit.AiGenerated is not null || fields is not null || edit.FirstComment is not null)
                post.SetFields(edit.AiGenerated, fields is null ? null : edit.Fields!(post.Fields), edit.FirstComment, now);
            if (edit.ScheduledAtUtc is not null) DrawStart(post, now);
            return null;
        }, cancellationToken);
    }

    public Task<OperationResult<Post>> PublishNowAsync(Actor actor, int postId, bool republish, CancellationToken cancellationToken) =>
        ChangeAsync(actor, AuditActions.PostPublishNow, republish ? "republish" : null, postId, null, (post, now) =>
        {
            if (post.Status == PostStatus.Published && !republish)
                return "The post is already published; send {\"republish\":true} to post it again.";
            if (post.Status is PostStatus.InProgress || (post.Status != PostStatus.Published && !PostStateMachine.CanMove(post.Status, PostStatus.Scheduled)))
                return $"A {post.Status} post cannot be published now.";
            post.PublishNow(republish, now);
            return null;
        }, cancellationToken);

    public Task<OperationResult<Post>> RetryAsync(Actor actor, int postId, TimeSpan after, CancellationToken cancellationToken) =>
        ChangeAsync(actor, AuditActions.PostRetry, $"after {after}", postId, null, (post, now) =>
        {
            if (!PostStateMachine.Retryable.Contains(post.Status))
                return $"A {post.Status} post cannot be retried.";
            post.RetryManually(now + after, now);
            return null;
        }, cancellationToken);

    /// <summary>A failed first comment, tried again by the next first-comment pass (it is looked for first: it may have gone out).</summary>
    public Task<OperationResult<Post>> RetryFirstCommentAsync(Actor actor, int postId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, AuditActions.PostFirstCommentRetry, null, postId, null, (post, now) =>
        {
            if (post.Status != PostStatus.Published || post.FirstCommentState != FirstCommentState.Failed)
                return "Only a published post's failed first comment can be retried.";
            post.RetryFirstComment(now);
            return null;
        }, cancellationToken);

    public Task<OperationResult<Post>> CancelAsync(Actor actor, int postId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, AuditActions.PostCancel, null, postId, null, (post, now) =>
        {
            if (!PostStateMachine.CanMove(post.Status, PostStatus.Cancelled))
                return $"A {post.Status} post cannot be cancelled.";
            post.Cancel(now);
            return null;
        }, cancellationToken);

    /// <summary>
    /// Retries every Failed, Retrying or Held post that matches; returns how many. A post the dispatcher claims meanwhile
    /// makes the save fail as a whole; the match is then read and applied again (a few times), so a bulk retry during
    /// dispatch retries what is still retryable instead of failing.
    /// </summary>
    public async Task<OperationResult<int>> RetryMatchingAsync(Actor actor, PostMatch match, TimeSpan after, CancellationToken cancellationToken)
    {
        if (!actor.Can(Permission.Operate)) return OperationResult<int>.Forbidden(actor, Permission.Operate);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return OperationResult<int>.Ok(await RetryMatchingOnceAsync(actor, match, after, cancellationToken));
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Read again: the claimed post is no longer retryable, the others are.
            }
            catch (DbUpdateConcurrencyException)
            {
                return OperationResult<int>.ChangedMeanwhile();
            }
        }
    }

    private async Task<int> RetryMatchingOnceAsync(Actor actor, PostMatch match, TimeSpan after, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var journal = new Journal(db, hub, time);
        var retryable = match.IncludeHeld ? PostStateMachine.Retryable : PostStateMachine.Failing;
        // The same filter the lists use, so "retry all" retries what the screen shows.
        var query = PostQueries.Apply(db.Posts, new PostFilter(retryable, match.PersonaId, FailureReason: match.FailureReason, WithMissed: match.IncludeMissed));
        if (match.Status is { } status) query = query.Where(p => p.Status == status);

        var posts = await query.ToListAsync(cancellationToken);
        foreach (var post in posts)
        {
            post.RetryManually(journal.Now + after, journal.Now);
            journal.PostChanged(post);
        }

        if (posts.Count > 0)
        {
            await journal.ResolveAlertsAsync(posts.Select(p => Journal.Incidents.PostFailed(p.Id)).ToList(), cancellationToken);
            journal.Log(ActivityLevel.Info, Notice.RetriesScheduled(posts.Count));
            journal.Audit(actor, AuditActions.PostRetryMatching, $"{posts.Count} posts",
                $"status={match.Status?.ToString() ?? "any"} reason={match.FailureReason?.ToString() ?? "any"} persona={match.PersonaId?.ToString(CultureInfo.InvariantCulture) ?? "any"} after {after}");
            await journal.CommitAsync(cancellationToken);
            signal.Wake();
        }

        return posts.Count;
    }

    /// <summary>
    /// Checks the actor may operate, loads a post, applies <paramref name="change"/> (null, or why it is refused),
    /// and commits it with its audit row, then publishes what changed. The save is conditional on the row version it
    /// read (and on <paramref name="expectedVersion"/> when the caller decided on an earlier read): a post claimed or
    /// changed in between is not overwritten; the caller gets a conflict.
    /// </summary>
    private async Task<OperationResult<Post>> ChangeAsync(Actor actor, string action, string? detail, int postId, int? expectedVersion,
        Func<Post, DateTime, string?> change, CancellationToken cancellationToken)
    {
        if (!actor.Can(Permission.Operate)) return OperationResult<Post>.Forbidden(actor, Permission.Operate);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var journal = new Journal(db, hub, time);
        var post = await db.Posts.Include(p => p.Persona).FirstOrDefaultAsync(p => p.Id == postId, cancellationToken);
        if (post is null) return OperationResult<Post>.NotFound($"Post {postId} does not exist.");
        if (expectedVersion is { } version && post.Version != version) return OperationResult<Post>.ChangedMeanwhile();

        var wasFailed = post.Status == PostStatus.Failed;
        if (change(post, journal.Now) is { } refusal) return OperationResult<Post>.Conflict(refusal);

        if (wasFailed && post.Status != PostStatus.Failed) await journal.ResolveAlertsAsync(Journal.Incidents.PostFailed(post.Id), cancellationToken);
        journal.Audit(actor, action, $"post {post.Id}", detail);
        journal.PostChanged(post);
        try
        {
            await journal.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OperationResult<Post>.ChangedMeanwhile();
        }

        if (post.NextAttemptAt is not null) signal.Wake();
        return OperationResult<Post>.Ok(post);
    }

    private static string? Describe(PostEdit edit) =>
        string.Join(", ", new[]
        {
            edit.ScheduledAtUtc is { } at ? $"scheduledAt {at:u}" : null,
            edit.Caption is not null ? "caption" : null,
            edit.Hashtags is not null ? "hashtags" : null,
            edit.AiGenerated is { } label ? $"aiGenerated {label}" : null,
            edit.Fields is not null ? "fields" : null,
            edit.FirstComment is not null ? "firstComment" : null,
        }.OfType<string>()) is { Length: > 0 } changed ? changed : null;
}
