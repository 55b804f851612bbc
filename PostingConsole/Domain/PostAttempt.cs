namespace PostingConsole.Domain;

/// <summary>One call to the Graph API made for a post: what was asked and what came back.</summary>
public sealed class PostAttempt
{
    public long Id { get; set; }
    public int PostId { get; set; }

    /// <summary>The claim (<see cref="Post.ClaimNumber"/>) of the run that made the call: one run's calls, a retry's or a takeover's apart.</summary>
    public long ClaimNumber { get; set; }

    public DateTime At { get; set; }
    public string Step { get; set; } = "";
    public bool Succeeded { get; set; }
    public int? HttpStatus { get; set; }
    public int? Code { get; set; }
    public int? Subcode { get; set; }
    public string? Message { get; set; }
    public string? FbtraceId { get; set; }
    public int DurationMs { get; set; }
}

/// <summary>Names of the pipeline steps recorded in <see cref="PostAttempt.Step"/>.</summary>
public static class PublishSteps
{
    public const string Quota = "quota";
    public const string ImageCheck = "image_check";
    public const string CreateContainer = "create_container";
    /// <summary>A carousel child's container (its message names the item, e.g. "item 2/3: container …").</summary>
    public const string CarouselItem = "carousel_item";
    public const string ContainerStatus = "container_status";
    public const string Publish = "media_publish";
    public const string Permalink = "permalink";
    public const string Reconcile = "reconcile";
    /// <summary>The first comment (<c>POST /{ig-media-id}/comments</c>), after the post is live.</summary>
    public const string FirstComment = "first_comment";
    /// <summary>The media's comments read to find a first comment whose answer was lost.</summary>
    public const string FirstCommentRead = "first_comment_read";
    /// <summary>The readiness check decided at the post's minute; nothing was sent (its message names the problem).</summary>
    public const string Readiness = "readiness";
}
