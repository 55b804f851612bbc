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
    bool IsCarouselItem = false, IReadOnlyList<string>? Children = null, bool? ShareToFeed = null, string? CoverUrl = null, ContainerFields? Fields = null)
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
        Fields?.AddTo(form);
        return form;
    }
}

/// <summary>
/// A container's optional fields (docs/instagram.md#optional-fields) in Meta's wire format: lists and objects as one JSON string
/// each (<c>user_tags=[{"username":"a","x":0.5,"y":0.5}]</c>, <c>collaborators=["a","b"]</c>,
/// <c>trial_params={"graduation_strategy":"MANUAL"}</c>), as Meta's own SDK encodes them. Which container takes which field is
/// decided by <c>OptionalFields</c>.
/// </summary>
public sealed record ContainerFields(
    bool AiGenerated = false, string? AltText = null, IReadOnlyList<Domain.UserTag>? UserTags = null, IReadOnlyList<string>? Collaborators = null,
    string? LocationId = null, int? ThumbOffsetMs = null, string? AudioName = null, Domain.TrialReel? TrialReel = null)
{
    public void AddTo(Dictionary<string, string> form)
    {
        if (AiGenerated) form["is_ai_generated"] = "true";
        if (AltText is not null) form["alt_text"] = AltText;
        if (UserTags is { Count: > 0 } tags)
        {
            form["user_tags"] = System.Text.Json.JsonSerializer.Serialize(tags.Select(t => t.X is { } x && t.Y is { } y
                ? (object)new WireTag(t.Username, x, y)
                : new WireName(t.Username)));
        }

        if (Collaborators is { Count: > 0 } names) form["collaborators"] = System.Text.Json.JsonSerializer.Serialize(names);
        if (LocationId is not null) form["location_id"] = LocationId;
        if (ThumbOffsetMs is { } offset) form["thumb_offset"] = offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (AudioName is not null) form["audio_name"] = AudioName;
        if (TrialReel is { } trial)
        {
            form["trial_params"] = System.Text.Json.JsonSerializer.Serialize(new WireTrial(trial == Domain.TrialReel.Manual ? "MANUAL" : "SS_PERFORMANCE"));
        }
    }

    private sealed record WireTag([property: JsonPropertyName("username")] string Username, [property: JsonPropertyName("x")] double X,
        [property: JsonPropertyName("y")] double Y);

    private sealed record WireName([property: JsonPropertyName("username")] string Username);

    private sealed record WireTrial([property: JsonPropertyName("graduation_strategy")] string GraduationStrategy);
}

/// <summary><c>GET /{ig-media-id}/comments</c>'s answer.</summary>
public sealed record CommentListResponse([property: JsonPropertyName("data")] List<MediaComment> Data);

/// <summary>One comment: its text, and who wrote it (<c>from</c>: the account's id and username).</summary>
public sealed record MediaComment(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("from")] CommentAuthor? From,
    [property: JsonPropertyName("username")] string? Username);

public sealed record CommentAuthor([property: JsonPropertyName("id")] string? Id, [property: JsonPropertyName("username")] string? Username);

/// <summary><c>GET /{id}/insights</c>'s answer: one entry per metric.</summary>
public sealed record InsightsResponse([property: JsonPropertyName("data")] List<InsightMetric> Data);

/// <summary>A media's <c>insights</c> field in a field-expanded read (<c>GET /?ids=…&amp;fields=insights.metric(…)</c>).</summary>
public sealed record MediaInsightsEnvelope(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("insights")] InsightsResponse? Insights);

/// <summary>
/// One metric: <c>values[0].value</c> for a lifetime media metric (a number), or for <c>online_followers</c> one entry per day
/// with an object of hours; newer versions may answer <c>total_value.value</c> instead.
/// </summary>
public sealed record InsightMetric(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("period")] string? Period,
    [property: JsonPropertyName("values")] List<InsightValue>? Values,
    [property: JsonPropertyName("total_value")] InsightValue? TotalValue);

public sealed record InsightValue(
    [property: JsonPropertyName("value")] System.Text.Json.JsonElement Value,
    [property: JsonPropertyName("end_time")] string? EndTime);

/// <summary>One day of <c>online_followers</c>: its end (Meta's <c>end_time</c>) and followers online in each of its 24 hours (keyed as Meta keys them).</summary>
public sealed record OnlineFollowersDay(DateTime EndTimeUtc, IReadOnlyDictionary<int, int> ByHour);

/// <summary>Reads Meta's insight entries into the console's shapes.</summary>
public static class InsightValues
{
    public static Domain.PostMetrics ToMetrics(IReadOnlyList<InsightMetric> data)
    {
        int? Get(string name) => data.FirstOrDefault(m => m.Name == name) is { } metric ? Number(metric) : null;
        return new Domain.PostMetrics(Get("views"), Get("reach"), Get("likes"), Get("comments"), Get("saved"), Get("shares"), Get("total_interactions"));
    }

    private static int? Number(InsightMetric metric)
    {
        var value = metric.TotalValue?.Value ?? metric.Values?.FirstOrDefault()?.Value;
        return value is { ValueKind: System.Text.Json.JsonValueKind.Number } v && v.TryGetInt64(out var n) ? (int)Math.Min(n, int.MaxValue) : null;
    }

    public static IReadOnlyList<OnlineFollowersDay> ToOnlineFollowers(IReadOnlyList<InsightMetric> data)
    {
        var days = new List<OnlineFollowersDay>();
        foreach (var value in data.FirstOrDefault(m => m.Name == "online_followers")?.Values ?? [])
        {
            if (value.Value.ValueKind != System.Text.Json.JsonValueKind.Object) continue; // a day with no data answers {} or nothing
            var hours = new Dictionary<int, int>();
            foreach (var hour in value.Value.EnumerateObject())
            {
                if (int.TryParse(hour.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var h) && h is >= 0 and < 24
                    && hour.Value.TryGetInt32(out var n))
                    hours[h] = n;
            }

            if (hours.Count == 0 || !DateTimeOffset.TryParse(value.EndTime, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var end)) continue;
            days.Add(new OnlineFollowersDay(end.UtcDateTime, hours));
        }

        return days;
    }
}

/// <summary>The account's daily read: <c>content_publishing_limit</c> and (asked for) <c>insights</c>, expanded on the IG user.</summary>
public sealed record AccountReadResponse(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("content_publishing_limit")] PublishingLimitResponse? PublishingLimit,
    [property: JsonPropertyName("insights")] InsightsResponse? Insights,
    [property: JsonPropertyName("media")] MediaInsightsList? Media);

/// <summary>The <c>media</c> edge expanded with each media's insights.</summary>
public sealed record MediaInsightsList([property: JsonPropertyName("data")] List<MediaInsightsEnvelope> Data);

/// <summary>The account's quota; its <c>online_followers</c> days and its newest media's metrics when asked for (null: not asked).</summary>
public sealed record AccountRead(PublishingLimit Limit, IReadOnlyList<OnlineFollowersDay>? Audience, IReadOnlyDictionary<string, Domain.PostMetrics>? Media = null);

/// <summary><c>GET /{ig-user-id}/media</c> with the fields a profile grid shows.</summary>
public sealed record ProfileMediaResponse([property: JsonPropertyName("data")] List<ProfileMedia> Data);

/// <summary>One media of the account's profile: <c>media_type</c> IMAGE, VIDEO or CAROUSEL_ALBUM; its picture in <c>media_url</c> or, for a video, <c>thumbnail_url</c>.</summary>
public sealed record ProfileMedia(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("media_type")] string? MediaType,
    [property: JsonPropertyName("media_url")] string? MediaUrl,
    [property: JsonPropertyName("thumbnail_url")] string? ThumbnailUrl,
    [property: JsonPropertyName("permalink")] string? Permalink,
    [property: JsonPropertyName("timestamp")] string? Timestamp)
{
    /// <summary>The picture a grid shows: a video's frame, else the media itself.</summary>
    public string? Picture => ThumbnailUrl ?? MediaUrl;
}
