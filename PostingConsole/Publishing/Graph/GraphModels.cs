using System.Text.Json.Serialization;

namespace PostingConsole.Publishing.Graph;

// The Graph API's wire format (snake_case JSON), as recorded in graph-api.md.

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
