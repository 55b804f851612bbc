namespace PostingConsole.Domain;

/// <summary>
/// One approved post waiting to go to, or gone to, Instagram. Its status only changes through
/// the methods below, each checked against <see cref="PostStateMachine"/>. Times are UTC.
/// </summary>
public sealed partial class Post
{
    public int Id { get; private set; }
    public int PersonaId { get; private set; }
    public Persona? Persona { get; private set; }
    public string? ExternalId { get; private set; }

    public MediaType MediaType { get; private set; }
    public string? ImageUrl { get; private set; }
    public string? ImagePath { get; private set; }
    /// <summary>The video of a reel or a video story.</summary>
    public string? VideoUrl { get; private set; }
    public string? VideoPath { get; private set; }
    /// <summary>A reel's cover image (optional; Meta takes a frame of the video without one).</summary>
    public string? CoverUrl { get; private set; }
    /// <summary>A reel also appears in the feed (Meta's <c>share_to_feed</c>, default true).</summary>
    public bool ShareToFeed { get; private set; } = true;
    /// <summary>A carousel's children, in order (empty for other media types).</summary>
    public List<PostItem> Items { get; private set; } = [];
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
    /// <summary>Set when the CDN URL of the post's own image or video could not be fetched and the console serves the local file instead.</summary>
    public bool UseLocalFile { get; private set; }

    /// <summary>The dispatcher (process) that claimed the post last; kept after the run, to tell which process ran it.</summary>
    public string? ClaimedBy { get; private set; }
    public DateTime? LeaseUntil { get; private set; }

    /// <summary>
    /// The fencing token: grows by one with every claim (and every recovery of an expired lease). A run knows the
    /// number it claimed with; every write it makes, and a check before every POST to Meta, is conditional on it,
    /// so a run that lost its claim can neither write nor send.
    /// </summary>
    public long ClaimNumber { get; private set; }

    /// <summary>Row version: grows with every saved change (set by the context, and by the claim's UPDATE). A save over a stale read fails.</summary>
    public int Version { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public List<PostAttempt> Attempts { get; private set; } = [];

    /// <summary>The readiness check's last verdict (null until checked: posts are checked once within <c>Readiness:Horizon</c>).</summary>
    public PostReadiness? Readiness { get; private set; }

    /// <summary>The verdict that speaks for the post now: it is still to go out, and the verdict was made for its content as it stands.</summary>
    public PostReadiness? CurrentReadiness =>
        Readiness is { } verdict && Status is PostStatus.Scheduled or PostStatus.Retrying && verdict.ContentKey == ReadinessKey ? verdict : null;

    private Post() { }

    /// <summary>A feed photo.</summary>
    public static Post Create(int personaId, string? imageUrl, string? imagePath, string caption,
        IEnumerable<string>? hashtags, DateTime scheduledAtUtc, string? externalId, DateTime now) =>
        Create(personaId, PostContent.Image(imageUrl, imagePath), caption, hashtags, scheduledAtUtc, externalId, now);

    public static Post Create(int personaId, PostContent content, string caption,
        IEnumerable<string>? hashtags, DateTime scheduledAtUtc, string? externalId, DateTime now)
    {
        var tags = PostCaption.NormalizeHashtags(hashtags);
        return new Post
        {
            PersonaId = personaId,
            MediaType = content.MediaType,
            ImageUrl = content.ImageUrl,
            ImagePath = content.ImagePath,
            VideoUrl = content.VideoUrl,
            VideoPath = content.VideoPath,
            CoverUrl = content.CoverUrl,
            ShareToFeed = content.ShareToFeed,
            Items = content.Items?.Select(i => i.Copy()).ToList() ?? [],
            Caption = caption,
            Hashtags = tags,
            FinalCaption = PostCaption.Compose(caption, tags),
            ScheduledAt = scheduledAtUtc,
            // Due at its time, or, approved after it, from the moment it is put on the queue (Posting:MissedPostGrace counts from here).
            NextAttemptAt = scheduledAtUtc > now ? scheduledAtUtc : now,
            ExternalId = externalId,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public bool IsEditable => PostStateMachine.Editable.Contains(Status);

    /// <summary>The post's own image or video (a story's, a reel's, a photo's); a carousel has its <see cref="Items"/> instead.</summary>
    public MediaSource Media => VideoUrl is not null || VideoPath is not null
        ? new MediaSource(VideoUrl, VideoPath, true, UseLocalFile)
        : new MediaSource(ImageUrl, ImagePath, false, UseLocalFile);

    /// <summary>Meta processes a video for a while (IN_PROGRESS): its container is read until FINISHED before it is published.</summary>
    public bool HasVideo => MediaType == MediaType.Carousel ? Items.Any(i => i.IsVideo) : Media.IsVideo;

    /// <summary>The image shown for the post on the screens: the photo, a reel's cover, a carousel's first image.</summary>
    public string? PreviewImageUrl => MediaType switch
    {
        MediaType.Carousel => Items.Select(i => i.ImageUrl).FirstOrDefault(u => u is not null),
        MediaType.Reels => CoverUrl,
        _ => ImageUrl,
    };

    /// <summary>Every file Meta downloads for the post, each with the field it comes from (<c>imageUrl</c>, <c>items[1]</c>, <c>coverUrl</c>).</summary>
    public IReadOnlyList<(string Field, MediaSource Source)> MediaSources
    {
        get
        {
            if (MediaType == MediaType.Carousel) return Items.Select((item, i) => ($"items[{i}]", item.Source)).ToList();
            var own = Media;
            List<(string, MediaSource)> sources = [(own.IsVideo ? "videoUrl" : "imageUrl", own)];
            if (CoverUrl is not null) sources.Add(("coverUrl", new MediaSource(CoverUrl, null, false, false)));
            return sources;
        }
    }

    /// <summary>
    /// Names the content the readiness check looks at (media type, every file, the final caption): a verdict made for another
    /// key is about an older version of the post (<see cref="PostReadiness.ContentKey"/>).
    /// </summary>
    public string ReadinessKey
    {
        get
        {
            var content = string.Join("\n", [MediaType.ToString(), .. MediaSources.Select(m => $"{m.Field}={m.Source.Url}|{m.Source.Path}"), FinalCaption]);
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)))[..32];
        }
    }

    /// <summary>
    /// An operator's edit. A new <paramref name="scheduledAtUtc"/> puts a Retrying or Failed post back to Scheduled at that
    /// time, and a Held one too when <paramref name="personaCanPublish"/>. A content change drops a stored container that
    /// was not published (the caller has made sure of that with Meta), so what goes out is the post as it stands.
    /// </summary>
    /// <returns>True when caption or hashtags changed.</returns>
    public bool Edit(string? caption, IEnumerable<string>? hashtags, DateTime? scheduledAtUtc, bool personaCanPublish, DateTime now)
    {
        if (!IsEditable)
        {
            throw new InvalidPostTransitionException(Status, Status);
        }

        var finalBefore = FinalCaption;
        if (caption is not null) Caption = caption;
        if (hashtags is not null) Hashtags = PostCaption.NormalizeHashtags(hashtags);
        FinalCaption = PostCaption.Compose(Caption, Hashtags);
        // A story's caption never reaches Instagram: its container stays what goes out.
        var contentChanged = FinalCaption != finalBefore && MediaType != MediaType.Stories;
        if (contentChanged && ContainerId is not null) ForgetContainer(now);

        if (scheduledAtUtc is { } at)
        {
            ScheduledAt = at;
            LeaveSlot();
            // A past time puts it on the queue now: it is due from this moment, not from the past time.
            var due = at > now ? at : now;
            if (Status == PostStatus.Scheduled) NextAttemptAt = due;
            else if (Status is PostStatus.Retrying or PostStatus.Failed || (Status == PostStatus.Held && personaCanPublish)) RetryManually(due, now);
        }

        UpdatedAt = now;
        return contentChanged;
    }

    /// <summary>True when an edit to <paramref name="caption"/>/<paramref name="hashtags"/> would change what Instagram receives (never for a story: no caption is sent).</summary>
    public bool WouldChangeContent(string? caption, IEnumerable<string>? hashtags) =>
        MediaType != MediaType.Stories && PostCaption.Compose(caption ?? Caption, hashtags is null ? Hashtags : PostCaption.NormalizeHashtags(hashtags)) != FinalCaption;

    /// <summary>The caption Instagram would receive after an edit (for validating the merged post).</summary>
    public string FinalCaptionAfter(string? caption, IEnumerable<string>? hashtags) =>
        PostCaption.Compose(caption ?? Caption, hashtags is null ? Hashtags : PostCaption.NormalizeHashtags(hashtags));

    /// <summary>
    /// The claim rule, one expression for the dispatcher's conditional UPDATE and for <see cref="Claim"/>: a status that
    /// may move to InProgress (<see cref="PostStateMachine.Claimable"/>) and due.
    /// </summary>
    public static System.Linq.Expressions.Expression<Func<Post, bool>> ClaimableAt(DateTime now) =>
        p => PostStateMachine.Claimable.Contains(p.Status) && p.NextAttemptAt <= now;

    /// <summary>
    /// Claimable and due, but not missed: its due time (<see cref="NextAttemptAt"/>: the scheduled time, or the moment it was
    /// put on the queue after that) is within <paramref name="missedGrace"/> of now. A missed post is held instead.
    /// </summary>
    public static System.Linq.Expressions.Expression<Func<Post, bool>> ClaimableAt(DateTime now, TimeSpan missedGrace)
    {
        var cutoff = now - missedGrace;
        return p => PostStateMachine.Claimable.Contains(p.Status) && p.NextAttemptAt <= now && p.NextAttemptAt >= cutoff;
    }

    /// <summary>Claimable posts that fell due longer than <paramref name="missedGrace"/> ago: not published on their own.</summary>
    public static System.Linq.Expressions.Expression<Func<Post, bool>> MissedAt(DateTime now, TimeSpan missedGrace)
    {
        var cutoff = now - missedGrace;
        return p => PostStateMachine.Claimable.Contains(p.Status) && p.NextAttemptAt < cutoff;
    }

    /// <summary>
    /// Starts a scheduled post at <paramref name="offset"/> from its scheduled time (<c>Posting:ScheduleJitter</c>), never before
    /// now: the stored due time, so a restart does not draw again, and the missed-post grace counts from it.
    /// </summary>
    public void Jitter(TimeSpan offset, DateTime now)
    {
        if (Status != PostStatus.Scheduled) return;
        var start = ScheduledAt + offset;
        NextAttemptAt = start > now ? start : now;
        UpdatedAt = now;
    }

    /// <summary>Held for an operator's decision: it would have started later than the grace after its due time.</summary>
    public void HoldAsMissed(TimeSpan missedGrace, DateTime now) =>
        Hold(Domain.FailureReason.Missed, $"missed: due {NextAttemptAt:u}, not started within Posting:MissedPostGrace ({missedGrace})", now);
}
