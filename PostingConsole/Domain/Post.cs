namespace PostingConsole.Domain;

/// <summary>
/// One approved post waiting to go to, or gone to, Instagram. Its status only changes through
/// the methods below, each checked against <see cref="PostStateMachine"/>. Times are UTC.
/// </summary>
public sealed class Post
{
    public int Id { get; private set; }
    public int PersonaId { get; private set; }
    public Persona? Persona { get; private set; }
    public string? ExternalId { get; private set; }

    public string? ImageUrl { get; private set; }
    public string? ImagePath { get; private set; }
    public string Caption { get; private set; } = "";
    public List<string> Hashtags { get; private set; } = [];
    public string FinalCaption { get; private set; } = "";

    public DateTime ScheduledAt { get; private set; }
    public PostStatus Status { get; private set; } = PostStatus.Scheduled;

    /// <summary>When the dispatcher should next look at the post (Scheduled and Retrying only).</summary>
    public DateTime? NextAttemptAt { get; private set; }
    public FailureReason? FailureReason { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>Automatic retries used for transient failures; reset by an operator's retry.</summary>
    public int TransientRetries { get; private set; }

    public PublishStage Stage { get; private set; }
    public string? ContainerId { get; private set; }
    public DateTime? PublishRequestedAt { get; private set; }
    public string? MediaId { get; private set; }
    public string? Permalink { get; private set; }
    public DateTime? PublishedAt { get; private set; }
    /// <summary>Set when the CDN URL could not be fetched and the console serves the local file instead.</summary>
    public bool UseLocalImage { get; private set; }

    public string? ClaimedBy { get; private set; }
    public DateTime? LeaseUntil { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public List<PostAttempt> Attempts { get; private set; } = [];

    private Post() { }

    public static Post Create(int personaId, string? imageUrl, string? imagePath, string caption,
        IEnumerable<string>? hashtags, DateTime scheduledAtUtc, string? externalId, DateTime now)
    {
        var tags = PostCaption.NormalizeHashtags(hashtags);
        return new Post
        {
            PersonaId = personaId,
            ImageUrl = imageUrl,
            ImagePath = imagePath,
            Caption = caption,
            Hashtags = tags,
            FinalCaption = PostCaption.Compose(caption, tags),
            ScheduledAt = scheduledAtUtc,
            NextAttemptAt = scheduledAtUtc,
            ExternalId = externalId,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public bool IsEditable => PostStateMachine.Editable.Contains(Status);

    /// <summary>The image the pipeline sends to Meta: the CDN URL unless it has fallen back to the local file.</summary>
    public bool SendsLocalImage => ImageUrl is null || UseLocalImage;

    public void Edit(string? caption, IEnumerable<string>? hashtags, DateTime? scheduledAtUtc, DateTime now)
    {
        if (!IsEditable)
        {
            throw new InvalidPostTransitionException(Status, Status);
        }

        if (caption is not null) Caption = caption;
        if (hashtags is not null) Hashtags = PostCaption.NormalizeHashtags(hashtags);
        FinalCaption = PostCaption.Compose(Caption, Hashtags);
        if (scheduledAtUtc is { } at)
        {
            ScheduledAt = at;
            if (Status is PostStatus.Scheduled or PostStatus.Retrying) NextAttemptAt = at;
        }

        UpdatedAt = now;
    }

    /// <summary>The dispatcher's claim, mirrored in memory after the conditional UPDATE succeeded.</summary>
    public void Claim(string owner, DateTime leaseUntil, DateTime now)
    {
        MoveTo(PostStatus.InProgress, now);
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

    /// <summary>The container was lost, expired or errored before it went out: the next attempt makes a new one.</summary>
    public void ForgetContainer(DateTime now)
    {
        ContainerId = null;
        Stage = PublishStage.NotStarted;
        PublishRequestedAt = null;
        UpdatedAt = now;
    }

    public void FallBackToLocalImage(DateTime now)
    {
        UseLocalImage = true;
        UpdatedAt = now;
    }

    /// <summary>Meta answered the publish with an error: nothing went out, the container can be published later.</summary>
    public void RecordPublishRefused(DateTime now)
    {
        Stage = ContainerId is null ? PublishStage.NotStarted : PublishStage.ContainerCreated;
        PublishRequestedAt = null;
        UpdatedAt = now;
    }

    /// <summary>Live on Instagram. <paramref name="mediaId"/> is null only when a reconciled post could not be matched in the media list.</summary>
    public void MarkPublished(string? mediaId, DateTime now)
    {
        MoveTo(PostStatus.Published, now);
        MediaId = mediaId;
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
            ForgetContainer(now);
            UseLocalImage = false;
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
        ClaimedBy = null;
        LeaseUntil = null;
    }
}
