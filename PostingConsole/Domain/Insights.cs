namespace PostingConsole.Domain;

/// <summary>Why Meta gives no metrics for a post, for good: its reads end.</summary>
public enum InsightsUnavailable
{
    /// <summary>"(#10) Not enough viewers for the media to show insights": too small an audience, now and later.</summary>
    NotEnoughViewers,

    /// <summary>The media is gone from Instagram (deleted in the app, or taken down).</summary>
    MediaDeleted,
}

/// <summary>What Meta's media insights say about one post (null: a metric Meta did not give, e.g. <c>likes</c> on a Story).</summary>
public sealed record PostMetrics(int? Views, int? Reach, int? Likes, int? Comments, int? Saved, int? Shares, int? TotalInteractions)
{
    /// <summary>The metrics Meta is asked for on feed media (photos, carousels, reels).</summary>
    public const string FeedMetrics = "views,reach,likes,comments,saved,shares,total_interactions";

    /// <summary>A Story's: it has no likes, comments or saves.</summary>
    public const string StoryMetrics = "views,reach,shares,total_interactions";

    public static string MetricsFor(MediaType type) => type == MediaType.Stories ? StoryMetrics : FeedMetrics;

    /// <summary>Interactions of every kind (Meta's <c>total_interactions</c>, else the sum of the parts).</summary>
    public int Engagement => TotalInteractions ?? (Likes ?? 0) + (Comments ?? 0) + (Saved ?? 0) + (Shares ?? 0);
}

/// <summary>
/// One read of one post's insights (docs/insights.md): at which age, what Meta said, or why it will say nothing. A post has a
/// row per read (by default at 24 h and 72 h); the last one is what the post achieved.
/// </summary>
public sealed class PostInsight
{
    public long Id { get; private set; }
    public int PostId { get; private set; }
    public int PersonaId { get; private set; }

    /// <summary>When the post went live (copied, so the learner reads a persona's results without the posts table).</summary>
    public DateTime PublishedAt { get; private set; }

    public MediaType MediaType { get; private set; }
    public DateTime ReadAt { get; private set; }

    /// <summary>The post's age at the read, in whole hours.</summary>
    public int AgeHours { get; private set; }

    public int? Views { get; private set; }
    public int? Reach { get; private set; }
    public int? Likes { get; private set; }
    public int? Comments { get; private set; }
    public int? Saved { get; private set; }
    public int? Shares { get; private set; }
    public int? TotalInteractions { get; private set; }

    public InsightsUnavailable? Unavailable { get; private set; }

    private PostInsight() { }

    public static PostInsight Read(Post post, PostMetrics metrics, DateTime readAt) => new()
    {
        PostId = post.Id,
        PersonaId = post.PersonaId,
        PublishedAt = post.PublishedAt ?? readAt,
        MediaType = post.MediaType,
        ReadAt = readAt,
        AgeHours = AgeOf(post, readAt),
        Views = metrics.Views,
        Reach = metrics.Reach,
        Likes = metrics.Likes,
        Comments = metrics.Comments,
        Saved = metrics.Saved,
        Shares = metrics.Shares,
        TotalInteractions = metrics.TotalInteractions,
    };

    public static PostInsight None(Post post, InsightsUnavailable reason, DateTime readAt) => new()
    {
        PostId = post.Id,
        PersonaId = post.PersonaId,
        PublishedAt = post.PublishedAt ?? readAt,
        MediaType = post.MediaType,
        ReadAt = readAt,
        AgeHours = AgeOf(post, readAt),
        Unavailable = reason,
    };

    public PostMetrics? Metrics => Unavailable is null ? new PostMetrics(Views, Reach, Likes, Comments, Saved, Shares, TotalInteractions) : null;

    private static int AgeOf(Post post, DateTime readAt) => (int)Math.Floor((readAt - (post.PublishedAt ?? readAt)).TotalHours);
}
