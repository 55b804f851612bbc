using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;

namespace PostingConsole.Operations;

public sealed record NewPost(int PersonaId, string? ImageUrl, string? ImagePath, string Caption, IReadOnlyList<string>? Hashtags, DateTime ScheduledAtUtc, string? ExternalId);

public sealed record PostEdit(string? Caption, IReadOnlyList<string>? Hashtags, DateTime? ScheduledAtUtc);

public sealed record PostMatch(PostStatus? Status, FailureReason? FailureReason, int? PersonaId);

/// <summary>
/// Operator actions on posts. The HTTP API and the screens both call these, so a rule lives in one place:
/// each loads the post, applies the domain method, commits, and publishes what changed.
/// </summary>
public sealed class PostOperations(IDbContextFactory<PostingDbContext> contextFactory, EventHub hub, TimeProvider time, DispatchSignal signal)
{
    public async Task<OperationResult<Post>> CreateAsync(NewPost request, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (request.ExternalId is { } externalId
            && await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.ExternalId == externalId, cancellationToken) is { } existing)
        {
            return OperationResult<Post>.Ok(existing);
        }

        var journal = new Journal(db, hub, time);
        var persona = await db.Personas.FirstAsync(p => p.Id == request.PersonaId, cancellationToken);
        var post = Post.Create(request.PersonaId, request.ImageUrl, request.ImagePath, request.Caption, request.Hashtags,
            request.ScheduledAtUtc, request.ExternalId, journal.Now);
        if (!persona.CanPublish)
        {
            post.Hold(persona.HoldReason, $"페르소나 상태: {persona.Status}", journal.Now);
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

    public Task<OperationResult<Post>> EditAsync(int postId, PostEdit edit, CancellationToken cancellationToken) =>
        ChangeAsync(postId, (post, now) =>
        {
            if (!post.IsEditable) return $"A {post.Status} post cannot be edited.";
            post.Edit(edit.Caption, edit.Hashtags, edit.ScheduledAtUtc, now);
            return null;
        }, cancellationToken);

    public Task<OperationResult<Post>> PublishNowAsync(int postId, bool republish, CancellationToken cancellationToken) =>
        ChangeAsync(postId, (post, now) =>
        {
            if (post.Status == PostStatus.Published && !republish)
                return "The post is already published; send {\"republish\":true} to post it again.";
            if (post.Status != PostStatus.Published && !PostStateMachine.CanMove(post.Status, PostStatus.Scheduled))
                return $"A {post.Status} post cannot be published now.";
            post.PublishNow(republish, now);
            return null;
        }, cancellationToken);

    public Task<OperationResult<Post>> RetryAsync(int postId, TimeSpan after, CancellationToken cancellationToken) =>
        ChangeAsync(postId, (post, now) =>
        {
            if (post.Status is not (PostStatus.Failed or PostStatus.Retrying or PostStatus.Held))
                return $"A {post.Status} post cannot be retried.";
            post.RetryManually(now + after, now);
            return null;
        }, cancellationToken);

    public Task<OperationResult<Post>> CancelAsync(int postId, CancellationToken cancellationToken) =>
        ChangeAsync(postId, (post, now) =>
        {
            if (!PostStateMachine.CanMove(post.Status, PostStatus.Cancelled))
                return $"A {post.Status} post cannot be cancelled.";
            post.Cancel(now);
            return null;
        }, cancellationToken);

    /// <summary>Retries every Failed, Retrying or Held post that matches; returns how many.</summary>
    public async Task<int> RetryMatchingAsync(PostMatch match, TimeSpan after, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var journal = new Journal(db, hub, time);
        PostStatus[] retryable = [PostStatus.Failed, PostStatus.Retrying, PostStatus.Held];
        var query = db.Posts.Where(p => retryable.Contains(p.Status));
        if (match.Status is { } status) query = query.Where(p => p.Status == status);
        if (match.FailureReason is { } reason) query = query.Where(p => p.FailureReason == reason);
        if (match.PersonaId is { } personaId) query = query.Where(p => p.PersonaId == personaId);

        var posts = await query.ToListAsync(cancellationToken);
        foreach (var post in posts)
        {
            post.RetryManually(journal.Now + after, journal.Now);
            journal.PostChanged(post);
        }

        if (posts.Count > 0)
        {
            journal.Log(ActivityLevel.Info, $"🔁 {posts.Count}개 포스팅 재시도 예약");
            await journal.CommitAsync(cancellationToken);
            signal.Wake();
        }

        return posts.Count;
    }

    /// <summary>Loads a post, applies <paramref name="change"/> (null, or why it is refused), commits and publishes.</summary>
    private async Task<OperationResult<Post>> ChangeAsync(int postId, Func<Post, DateTime, string?> change, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var journal = new Journal(db, hub, time);
        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == postId, cancellationToken);
        if (post is null) return OperationResult<Post>.NotFound($"Post {postId} does not exist.");

        if (change(post, journal.Now) is { } refusal) return OperationResult<Post>.Conflict(refusal);

        journal.PostChanged(post);
        await journal.CommitAsync(cancellationToken);
        if (post.NextAttemptAt is not null) signal.Wake();
        return OperationResult<Post>.Ok(post);
    }
}
