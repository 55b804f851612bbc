using PostingConsole.Domain;

namespace PostingConsole.Sandbox;

/// <summary>Meta's record of an account: the fault it plays and its current token.</summary>
/// <param name="TokenExpiresAt">When Meta lets the token expire (the persona's Sandbox setting; null: never, as a Page token).</param>
public sealed record SandboxAccount(SandboxFault Fault, string Token, DateTime? TokenExpiresAt = null);

/// <summary>A throttle Meta applies until <see cref="Until"/> (business time).</summary>
public sealed class ThrottleWindow(int code, TimeSpan? estimate, DateTime until)
{
    public int Code { get; } = code;
    public TimeSpan? Estimate { get; } = estimate;
    public DateTime Until { get; } = until;
    /// <summary>When the first call was refused in this window (GraphClock timestamp): calls arriving later knew of the block.</summary>
    internal long? FirstRefusal;
}

/// <summary>The kinds of Graph call an account's scripted answers apply to.</summary>
public enum SandboxCall
{
    /// <summary>Any GET: quota, container status, media list, permalink.</summary>
    Read,
    CreateContainer,
    Publish,
    /// <summary><c>POST /{ig-media-id}/comments</c> (a scripted 500 makes no comment).</summary>
    Comment,
}

/// <summary>What a container makes when published (Meta's <c>media_type</c>; a carousel child is never published itself).</summary>
public enum SandboxMediaKind
{
    Image,
    Stories,
    Reels,
    Carousel,
    CarouselItem,
}

public sealed class SandboxContainer(string id, string igUserId, string imageUrl, string caption, DateTime createdAt, long readyAtTicks)
{
    public string Id { get; } = id;
    public string IgUserId { get; } = igUserId;
    /// <summary>The image or video URL Meta downloaded (empty for a carousel).</summary>
    public string ImageUrl { get; } = imageUrl;
    public string Caption { get; } = caption;
    public DateTime CreatedAt { get; } = createdAt;
    public long ReadyAtTicks { get; } = readyAtTicks;
    public string? MediaId { get; set; }

    public SandboxMediaKind Kind { get; init; } = SandboxMediaKind.Image;
    public bool IsVideo { get; init; }

    /// <summary>The optional fields Meta took with the container (docs/instagram.md#optional-fields).</summary>
    public SandboxFields Fields { get; init; } = SandboxFields.None;

    /// <summary>A reel's cover (downloaded when the container was made) and whether it also shows in the feed.</summary>
    public string? CoverUrl { get; init; }
    public bool ShareToFeed { get; init; } = true;

    public void MarkPublishedWith(string mediaId)
    {
        lock (this) MediaId ??= mediaId;
    }

    /// <summary>A carousel's children, in order.</summary>
    public IReadOnlyList<string> Children { get; init; } = [];

    /// <summary>Processing ends in ERROR instead of FINISHED.</summary>
    public bool Fails { get; init; }

    /// <summary>The <c>status</c> text when it ends in ERROR (else the state's default).</summary>
    public string? ErrorStatus { get; init; }

    private int readsUntilReady;

    /// <summary>Status reads still answered IN_PROGRESS (a video is processed for a while).</summary>
    public int ReadsUntilReady
    {
        get => Volatile.Read(ref readsUntilReady);
        init => readsUntilReady = value;
    }

    /// <summary>A status read: one fewer read in progress.</summary>
    public string ReadStatusCode(DateTime now)
    {
        var code = StatusCode(now);
        if (code == "IN_PROGRESS") Interlocked.Decrement(ref readsUntilReady);
        return code;
    }

    public string StatusCode(DateTime now) =>
        MediaId is not null ? "PUBLISHED"
        : now - CreatedAt > TimeSpan.FromHours(24) ? "EXPIRED"
        : Environment.TickCount64 < ReadyAtTicks || ReadsUntilReady > 0 ? "IN_PROGRESS"
        : Fails ? "ERROR"
        : "FINISHED";
}

public sealed record SandboxMedia(string Id, string IgUserId, string Caption, DateTime PublishedAt, string Shortcode, string ContainerId)
{
    public SandboxMediaKind Kind { get; init; } = SandboxMediaKind.Image;

    /// <summary>What the media carries beside its caption: its container's fields, and a carousel's children's (alt text, tags).</summary>
    public SandboxFields Fields { get; init; } = SandboxFields.None;

    public IReadOnlyList<SandboxFields> ItemFields { get; init; } = [];

    public string Permalink => Kind switch
    {
        SandboxMediaKind.Stories => $"https://www.instagram.com/stories/sandbox/{Id}/",
        SandboxMediaKind.Reels => $"https://www.instagram.com/reel/{Shortcode}/",
        _ => $"https://www.instagram.com/p/{Shortcode}/",
    };
}

/// <summary>
/// The optional fields of a container or a media as Meta recorded them (docs/instagram.md#optional-fields): the AI label, alt text,
/// tags, collaborators, location (with its Page's name), and a reel's thumbnail offset, audio name and trial strategy.
/// </summary>
public sealed record SandboxFields(
    bool AiGenerated = false, string? AltText = null, IReadOnlyList<PostingConsole.Domain.UserTag>? UserTags = null, IReadOnlyList<string>? Collaborators = null,
    string? LocationId = null, string? LocationName = null, int? ThumbOffsetMs = null, string? AudioName = null, string? TrialStrategy = null)
{
    public static readonly SandboxFields None = new();
}

/// <summary>A comment on a media, as Meta keeps it: its id, text, the account that wrote it, and when.</summary>
public sealed record SandboxComment(string Id, string MediaId, string Text, string FromId, string FromUsername, DateTime At);
