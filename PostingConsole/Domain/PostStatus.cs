namespace PostingConsole.Domain;

/// <summary>Where a post is in its life. Names are part of the HTTP contract (docs/architecture.md#the-api).</summary>
public enum PostStatus
{
    Scheduled,
    InProgress,
    Published,
    Retrying,
    Failed,
    Held,
    Cancelled,
}

/// <summary>Why a post is Retrying, Failed or Held. Names are part of the HTTP contract (docs/architecture.md#the-api).</summary>
public enum FailureReason
{
    Transient,
    RateLimited,
    QuotaReached,
    AuthExpired,
    AccountSuspended,
    ImageInvalid,
    MediaUnreachable,
    Policy,
    InvalidInput,
    OutcomeUnknown,
    /// <summary>It would have started later than <c>Posting:MissedPostGrace</c> after its due time: held for an operator.</summary>
    Missed,
    /// <summary>The same image or caption on another persona within <c>Readiness:DuplicateWindow</c>, under <c>Readiness:DuplicatePolicy</c> <c>Hold</c>.</summary>
    Duplicate,
    Unknown,
}

public enum PersonaStatus
{
    Active,
    Paused,
    Suspended,
    NeedsReauth,
}

/// <summary>
/// How far the publish pipeline got with a claimed post. Stored so that a post found mid-flight
/// after a crash is reconciled from what was really sent, not guessed.
/// </summary>
public enum PublishStage
{
    NotStarted,
    ContainerCreated,
    PublishRequested,
    /// <summary>media_publish answered with the media id (stored): live on Instagram; the permalink read is what is left.</summary>
    MediaPublished,
}
