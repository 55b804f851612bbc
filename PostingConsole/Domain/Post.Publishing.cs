namespace PostingConsole.Domain;

/// <summary>A post's claim and its pass through publishing: each stage stored as it is reached, so a crash resumes from what Meta was told.</summary>
public sealed partial class Post
{
    /// <summary>The dispatcher's claim in memory (the database does the same in one conditional UPDATE).</summary>
    public void Claim(string owner, long claimNumber, DateTime leaseUntil, DateTime now)
    {
        if (!(PostStateMachine.Claimable.Contains(Status) && NextAttemptAt <= now)) throw new InvalidPostTransitionException(Status, PostStatus.InProgress);
        MoveTo(PostStatus.InProgress, now);
        ClaimNumber = claimNumber;
        ClaimedBy = owner;
        LeaseUntil = leaseUntil;
    }

    public void RecordContainer(string containerId, DateTime now)
    {
        EnsureInProgress();
        ContainerId = containerId;
        Stage = PublishStage.ContainerCreated;
        UpdatedAt = now;
    }

    public void RecordPublishRequested(DateTime now)
    {
        EnsureInProgress();
        Stage = PublishStage.PublishRequested;
        PublishRequestedAt = now;
        UpdatedAt = now;
    }

    /// <summary>Meta answered media_publish with the media id: the post is live. Only the permalink read is left, inside the same run.</summary>
    public void RecordMediaId(string mediaId, DateTime now)
    {
        EnsureInProgress();
        MediaId = mediaId;
        Stage = PublishStage.MediaPublished;
        UpdatedAt = now;
    }

    /// <summary>From when to list the account's media to find this post's (matched on caption): a while before its publish was sent.</summary>
    public DateTime MediaSearchSince => (PublishRequestedAt ?? UpdatedAt).AddMinutes(-30);

    /// <summary>Meta says the stored container went out although the post did not record it: the next run reconciles before anything is sent.</summary>
    public void MarkOutcomeUnknown(DateTime now)
    {
        if (ContainerId is null) throw new InvalidOperationException($"Post {Id} has no container to reconcile.");
        Stage = PublishStage.PublishRequested;
        PublishRequestedAt ??= now;
        UpdatedAt = now;
    }

    /// <summary>The container was lost, expired or errored before it went out: the next attempt makes a new one.</summary>
    public void ForgetContainer(DateTime now)
    {
        ContainerId = null;
        Stage = PublishStage.NotStarted;
        PublishRequestedAt = null;
        UpdatedAt = now;
    }

    /// <summary>The CDN could not be fetched: the local file is sent instead (the post's own media, or one carousel item).</summary>
    public void FallBackToLocalFile(PostItem? item, DateTime now)
    {
        if (item is null) UseLocalFile = true;
        else item.UseLocalFile = true;
        UpdatedAt = now;
    }

    /// <summary>A carousel child's container, stored before the next child or the parent is made.</summary>
    public void RecordItemContainer(PostItem item, string containerId, DateTime now)
    {
        EnsureInProgress();
        item.ContainerId = containerId;
        item.ContainerCreatedAt = now;
        UpdatedAt = now;
    }

    /// <summary>A carousel child's container errored or expired: a new one is made for it.</summary>
    public void ForgetItemContainer(PostItem item, DateTime now)
    {
        item.ForgetContainer();
        UpdatedAt = now;
    }

    /// <summary>Meta answered the publish with an error, or its container reads as not published: the container can be published later.</summary>
    public void RecordPublishRefused(DateTime now)
    {
        Stage = ContainerId is null ? PublishStage.NotStarted : PublishStage.ContainerCreated;
        // PublishRequestedAt stays: media_publish was sent with this container once, so an edit asks Meta before dropping it.
        UpdatedAt = now;
    }

    /// <summary>Live on Instagram. <paramref name="mediaId"/> is null only when a reconciled post could not be matched in the media list.</summary>
    public void MarkPublished(string? mediaId, string? permalink, DateTime now)
    {
        MoveTo(PostStatus.Published, now);
        MediaId = mediaId;
        Permalink = permalink ?? Permalink;
        PublishedAt = now;
        FailureReason = null;
        LastError = null;
        NextAttemptAt = null;
        ReleaseLease();
    }

    public void RecordPermalink(string permalink, DateTime now)
    {
        Permalink = permalink;
        UpdatedAt = now;
    }

    /// <summary>A permalink read failed: the post stays without a link, last in line for the next backfill.</summary>
    public void RecordPermalinkUnreadable(DateTime now) => UpdatedAt = now;

    /// <summary>An automatic retry after a transient failure; counts against the retry budget.</summary>
    public void ScheduleTransientRetry(FailureReason reason, string error, DateTime at, DateTime now)
    {
        MoveTo(PostStatus.Retrying, now);
        TransientRetries++;
        SetFailure(reason, error);
        NextAttemptAt = at;
        ReleaseLease();
    }

    /// <summary>A retry that does not count against the transient budget (throttling).</summary>
    public void ScheduleRetry(FailureReason reason, string error, DateTime at, DateTime now)
    {
        MoveTo(PostStatus.Retrying, now);
        SetFailure(reason, error);
        NextAttemptAt = at;
        ReleaseLease();
    }

    /// <summary>A limit (hourly, concurrency, quota) pushes the post back without failing it.</summary>
    public void Defer(DateTime until, FailureReason? reason, string? note, DateTime now)
    {
        MoveTo(PostStatus.Scheduled, now);
        NextAttemptAt = until;
        FailureReason = reason;
        LastError = note;
        ReleaseLease();
    }

    public void Fail(FailureReason reason, string error, DateTime now)
    {
        MoveTo(PostStatus.Failed, now);
        SetFailure(reason, error);
        NextAttemptAt = null;
        ReleaseLease();
    }

    public void Hold(FailureReason reason, string note, DateTime now)
    {
        MoveTo(PostStatus.Held, now);
        SetFailure(reason, note);
        NextAttemptAt = null;
        ReleaseLease();
    }

    /// <summary>The persona is usable again: the held post goes back to the queue, due at once.</summary>
    public void Release(DateTime now)
    {
        MoveTo(PostStatus.Scheduled, now);
        FailureReason = null;
        LastError = null;
        NextAttemptAt = now > ScheduledAt ? now : ScheduledAt;
    }

    /// <summary>An operator's retry: back to the queue at <paramref name="at"/>, with a fresh retry budget.</summary>
    public void RetryManually(DateTime at, DateTime now)
    {
        MoveTo(PostStatus.Scheduled, now);
        TransientRetries = 0;
        NextAttemptAt = at;
    }

    /// <summary>Due at once. A published post needs the explicit <paramref name="republish"/> confirmation.</summary>
    public void PublishNow(bool republish, DateTime now)
    {
        if (Status == PostStatus.Published)
        {
            if (!republish) throw new InvalidPostTransitionException(Status, PostStatus.Scheduled);
            MediaId = null;
            Permalink = null;
            PublishedAt = null;
            PlanInsights(null); // the new media's reads are planned when it goes out
            ResetFirstComment();
            ForgetContainer(now);
            UseLocalFile = false;
            foreach (var item in Items)
            {
                item.ForgetContainer();
                item.UseLocalFile = false;
            }
        }

        MoveTo(PostStatus.Scheduled, now);
        TransientRetries = 0;
        NextAttemptAt = now;
    }

    public void Cancel(DateTime now)
    {
        MoveTo(PostStatus.Cancelled, now);
        NextAttemptAt = null;
        ReleaseLease();
    }

    /// <summary>Lease extension while a long pipeline step runs.</summary>
    public void ExtendLease(DateTime leaseUntil) => LeaseUntil = leaseUntil;

    private void MoveTo(PostStatus target, DateTime now)
    {
        PostStateMachine.Ensure(Status, target);
        Status = target;
        UpdatedAt = now;
    }

    private void EnsureInProgress()
    {
        if (Status != PostStatus.InProgress)
        {
            throw new InvalidOperationException($"Post {Id} is {Status}, not InProgress.");
        }
    }

    private void SetFailure(FailureReason reason, string error)
    {
        FailureReason = reason;
        LastError = error.Length > 2000 ? error[..2000] : error;
    }

    private void ReleaseLease()
    {
        LeaseUntil = null;
    }
}
