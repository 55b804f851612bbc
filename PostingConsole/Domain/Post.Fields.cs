namespace PostingConsole.Domain;

/// <summary>Where a post's first comment is (api.md: <c>firstComment.status</c> shows <see cref="Sending"/> as Pending).</summary>
public enum FirstCommentState
{
    /// <summary>To be posted: right after the post goes live, or at <see cref="Post.FirstCommentDueAt"/>.</summary>
    Pending,
    /// <summary>Sent to Meta, its answer not yet stored: whoever goes on first reads the media's comments (never posts blindly).</summary>
    Sending,
    /// <summary>On Instagram (<see cref="Post.FirstCommentId"/>).</summary>
    Posted,
    /// <summary>Given up: shown on the post and the failure screen, with a retry.</summary>
    Failed,
}

/// <summary>
/// What a post carries beside its media and caption (docs/instagram.md#optional-fields): Instagram's AI label, the optional
/// container fields (<see cref="PostFields"/>) and the first comment, posted once right after publishing (docs/architecture.md#first-comment).
/// </summary>
public sealed partial class Post
{
    /// <summary>Instagram's "AI info" label (<c>is_ai_generated</c>); defaults to the persona's <see cref="Persona.AiLabelDefault"/>.</summary>
    public bool AiGenerated { get; private set; }

    public PostFields Fields { get; private set; } = PostFields.None;

    /// <summary>The text to comment under the post once it is live; null for none.</summary>
    public string? FirstComment { get; private set; }

    public FirstCommentState? FirstCommentState { get; private set; }

    /// <summary>The comment's id at Meta, once posted.</summary>
    public string? FirstCommentId { get; private set; }

    /// <summary>Why the last try failed (Meta's error), shown with the post.</summary>
    public string? FirstCommentError { get; private set; }

    /// <summary>Automatic retries used after transient failures; reset by an operator's retry.</summary>
    public int FirstCommentRetries { get; private set; }

    /// <summary>
    /// When a Published post's pending comment is tried (null: at once). The comment of a post still being published is its
    /// run's, right after publishing.
    /// </summary>
    public DateTime? FirstCommentDueAt { get; private set; }

    /// <summary>The comment is still to go out (or its answer is unknown): the post's run, or the first-comment pass, posts it.</summary>
    public bool FirstCommentOpen => FirstCommentState is Domain.FirstCommentState.Pending or Domain.FirstCommentState.Sending;

    /// <summary>
    /// Sets the label, the optional fields and the first comment, at intake or in an edit (null: unchanged). A change to what
    /// a container carries drops a stored container that was not published (the caller made sure with Meta), as a caption edit does.
    /// </summary>
    /// <returns>True when what Instagram's container receives changed.</returns>
    public bool SetFields(bool? aiGenerated, PostFields? fields, string? firstComment, DateTime now)
    {
        if (!IsEditable) throw new InvalidPostTransitionException(Status, Status);
        var changed = WouldChangeFields(aiGenerated, fields);
        if (aiGenerated is { } label) AiGenerated = label;
        if (fields is not null) Fields = fields;
        if (firstComment is not null && firstComment.Trim() != (FirstComment ?? ""))
        {
            // The comment may be on Instagram already (sent, or its answer unknown): its text is what is looked for, never changed.
            if (FirstCommentState is Domain.FirstCommentState.Sending or Domain.FirstCommentState.Posted || MediaId is not null)
                throw new InvalidOperationException($"Post {Id}'s first comment was already sent; it cannot be changed.");
            FirstComment = firstComment.Trim() is { Length: > 0 } text ? text : null;
            FirstCommentState = FirstComment is null ? null : Domain.FirstCommentState.Pending;
            FirstCommentId = null;
            FirstCommentError = null;
            FirstCommentRetries = 0;
            FirstCommentDueAt = null;
        }

        if (changed && ContainerId is not null) ForgetContainer(now);
        UpdatedAt = now;
        return changed;
    }

    /// <summary>True when the label or the fields would change what Instagram's container receives.</summary>
    public bool WouldChangeFields(bool? aiGenerated, PostFields? fields) =>
        (aiGenerated is { } label && label != AiGenerated) || (fields is not null && !PostFieldsJson.Same(fields, Fields));

    /// <summary>The comment is about to be sent (saved first, conditional on the claim): an unknown answer is read back, never sent again blindly.</summary>
    public void RecordFirstCommentSending(DateTime now)
    {
        EnsureFirstComment();
        FirstCommentState = Domain.FirstCommentState.Sending;
        UpdatedAt = now;
    }

    public void RecordFirstCommentPosted(string commentId, DateTime now)
    {
        EnsureFirstComment();
        FirstCommentState = Domain.FirstCommentState.Posted;
        FirstCommentId = commentId;
        FirstCommentError = null;
        FirstCommentDueAt = null;
        UpdatedAt = now;
    }

    /// <summary>The first comment can still be set or changed: nothing of it may have reached Instagram.</summary>
    public bool FirstCommentEditable => FirstCommentState is null or Domain.FirstCommentState.Pending && MediaId is null;

    /// <summary>
    /// Not posted now (Meta's trouble, a throttle): tried again at <paramref name="at"/>; <paramref name="countsAsRetry"/> uses an
    /// automatic retry. <paramref name="mayHaveGoneOut"/> (a lost answer, Meta's 5xx, even when a read did not find it yet): it stays
    /// "sending", so the next try looks for it again before sending.
    /// </summary>
    public void PostponeFirstComment(string? error, DateTime at, bool countsAsRetry, DateTime now, bool mayHaveGoneOut = false)
    {
        EnsureFirstComment();
        FirstCommentState = mayHaveGoneOut ? Domain.FirstCommentState.Sending : Domain.FirstCommentState.Pending;
        FirstCommentError = error ?? FirstCommentError;
        FirstCommentDueAt = at;
        if (countsAsRetry) FirstCommentRetries++;
        UpdatedAt = now;
    }

    /// <summary>Meta could not be asked whether a sent comment arrived: it stays "sending" (looked for, never sent blindly) and is asked again at <paramref name="at"/>.</summary>
    public void RecheckFirstComment(string? error, DateTime at, DateTime now)
    {
        if (FirstCommentState != Domain.FirstCommentState.Sending) throw new InvalidOperationException($"Post {Id}'s first comment was not sent.");
        FirstCommentError = error ?? FirstCommentError;
        FirstCommentDueAt = at;
        FirstCommentRetries++; // a read that keeps failing ends in Failed, not in "sending" for ever
        UpdatedAt = now;
    }

    /// <summary>Given up: the post stays Published; an operator retries it.</summary>
    public void FailFirstComment(string error, DateTime now)
    {
        EnsureFirstComment();
        FirstCommentState = Domain.FirstCommentState.Failed;
        FirstCommentError = error;
        FirstCommentDueAt = null;
        UpdatedAt = now;
    }

    /// <summary>
    /// An operator's retry of a failed first comment: due at once, with a fresh retry budget. It is looked for among the media's
    /// comments before it is sent (state "sending"): a try that failed after Meta got it may have gone out.
    /// </summary>
    public void RetryFirstComment(DateTime now)
    {
        if (FirstCommentState != Domain.FirstCommentState.Failed || Status != PostStatus.Published)
            throw new InvalidOperationException($"Post {Id} has no failed first comment to retry.");
        FirstCommentState = Domain.FirstCommentState.Sending;
        FirstCommentRetries = 0;
        FirstCommentDueAt = now;
        UpdatedAt = now;
    }

    /// <summary>The first-comment pass is done with the post (its claim on the published post ends).</summary>
    public void EndFirstCommentRun(DateTime now)
    {
        ReleaseLease();
        UpdatedAt = now;
    }

    /// <summary>Posted again (an operator's "post again"): the new media gets the comment too.</summary>
    private void ResetFirstComment()
    {
        if (FirstComment is null) return;
        FirstCommentState = Domain.FirstCommentState.Pending;
        FirstCommentId = null;
        FirstCommentError = null;
        FirstCommentRetries = 0;
        FirstCommentDueAt = null;
    }

    private void EnsureFirstComment()
    {
        if (FirstComment is null) throw new InvalidOperationException($"Post {Id} has no first comment.");
    }
}
