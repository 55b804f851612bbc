using System.Text.Json.Serialization;

namespace PostingConsole.Publishing.Graph;

// The Graph API's wire format (snake_case JSON), as recorded in docs/instagram.md#recorded-answers.

public sealed record GraphIdResponse([property: JsonPropertyName("id")] string Id);

public sealed record ContainerStatus(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("status_code")] string StatusCode,
    [property: JsonPropertyName("status")] string? Status)
{
    public const string InProgress = "IN_PROGRESS";
    public const string Finished = "FINISHED";
    public const string Published = "PUBLISHED";
    public const string Error = "ERROR";
    public const string Expired = "EXPIRED";
}

public sealed record MediaPermalink(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("permalink")] string? Permalink,
    [property: JsonPropertyName("shortcode")] string? Shortcode,
    [property: JsonPropertyName("timestamp")] string? Timestamp);

public sealed record PublishingLimitResponse([property: JsonPropertyName("data")] List<PublishingLimit> Data);

public sealed record PublishingLimit(
    [property: JsonPropertyName("quota_usage")] int QuotaUsage,
    [property: JsonPropertyName("config")] PublishingLimitConfig Config);

public sealed record PublishingLimitConfig(
    [property: JsonPropertyName("quota_total")] int QuotaTotal,
    [property: JsonPropertyName("quota_duration")] int QuotaDuration);

public sealed record MediaListResponse([property: JsonPropertyName("data")] List<MediaItem> Data);

public sealed record MediaItem(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("caption")] string? Caption,
    [property: JsonPropertyName("timestamp")] string? Timestamp,
    [property: JsonPropertyName("permalink")] string? Permalink);

public sealed record DebugTokenResponse([property: JsonPropertyName("data")] TokenInfo? Data);

/// <summary>
/// <c>GET /debug_token?input_token=…</c>'s <c>data</c> (docs/readiness.md#tokens): <c>expires_at</c> and <c>data_access_expires_at</c>
/// are Unix seconds, 0 for never; an invalid token answers <c>is_valid: false</c> with an <c>error</c> of its own.
/// </summary>
public sealed record TokenInfo(
    [property: JsonPropertyName("is_valid")] bool IsValid,
    [property: JsonPropertyName("expires_at")] long ExpiresAt,
    [property: JsonPropertyName("data_access_expires_at")] long DataAccessExpiresAt,
    [property: JsonPropertyName("scopes")] List<string>? Scopes,
    [property: JsonPropertyName("error")] TokenInfoError? Error = null)
{
    /// <summary>The permission publishing needs (docs/instagram.md: <c>instagram_content_publish</c>).</summary>
    public const string PublishScope = "instagram_content_publish";

    public DateTime? ExpiresAtUtc => ExpiresAt > 0 ? DateTime.UnixEpoch.AddSeconds(ExpiresAt) : null;

    public DateTime? DataAccessExpiresAtUtc => DataAccessExpiresAt > 0 ? DateTime.UnixEpoch.AddSeconds(DataAccessExpiresAt) : null;

    public bool CanPublish => Scopes?.Contains(PublishScope) == true;
}

public sealed record TokenInfoError(
    [property: JsonPropertyName("code")] int? Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("subcode")] int? Subcode);

public sealed record GraphErrorEnvelope([property: JsonPropertyName("error")] GraphErrorBody? Error);

public sealed record GraphErrorBody(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("code")] int? Code,
    [property: JsonPropertyName("error_subcode")] int? ErrorSubcode,
    [property: JsonPropertyName("error_user_title")] string? ErrorUserTitle,
    [property: JsonPropertyName("error_user_msg")] string? ErrorUserMsg,
    [property: JsonPropertyName("fbtrace_id")] string? FbtraceId,
    [property: JsonPropertyName("is_transient")] bool? IsTransient);

/// <summary>
/// The form of <c>POST /{ig-user-id}/media</c> (docs/instagram.md#publish-calls): a feed photo sends <c>image_url</c> and no <c>media_type</c>;
/// <c>STORIES</c> an image or a video; <c>REELS</c> a video with <c>share_to_feed</c> and an optional <c>cover_url</c>; a carousel
/// child <c>is_carousel_item=true</c> (a video child also <c>media_type=VIDEO</c>), no caption; the carousel
/// <c>media_type=CAROUSEL</c> with its <c>children</c> and the caption.
/// </summary>
public sealed record ContainerRequest(
    string? MediaType, string? ImageUrl, string? VideoUrl, string? Caption,
    bool IsCarouselItem = false, IReadOnlyList<string>? Children = null, bool? ShareToFeed = null, string? CoverUrl = null)
{
    public const string Stories = "STORIES";
    public const string Reels = "REELS";
    public const string Carousel = "CAROUSEL";
    public const string Video = "VIDEO";

    public static ContainerRequest FeedImage(string imageUrl, string caption) => new(null, imageUrl, null, caption);

    public Dictionary<string, string> ToForm()
    {
        var form = new Dictionary<string, string>();
        if (MediaType is not null) form["media_type"] = MediaType;
        if (ImageUrl is not null) form["image_url"] = ImageUrl;
        if (VideoUrl is not null) form["video_url"] = VideoUrl;
        if (IsCarouselItem) form["is_carousel_item"] = "true";
        if (Children is not null) form["children"] = string.Join(",", Children);
        if (ShareToFeed is { } share) form["share_to_feed"] = share ? "true" : "false";
        if (CoverUrl is not null) form["cover_url"] = CoverUrl;
        if (Caption is not null) form["caption"] = Caption;
        return form;
    }
}
