using System.Text.Json.Serialization;
using PostingConsole.Domain;
using PostingConsole.Operations;

namespace PostingConsole.Api;

// Request and response bodies of the HTTP API (docs/architecture.md#the-api). Times go out as UTC ISO 8601 ("…Z").

public sealed record CreatePersonaRequest(string? Name, string? IgUserId, string? AccessToken, string? TimeZone, bool? AiLabelDefault = null);

public sealed record UpdateTokenRequest(string? AccessToken);

public sealed record PauseRequest(string? Reason);

/// <param name="TokenExpiresAt">When the token expires, as Meta's <c>debug_token</c> last said (null: never, or not read yet: <see cref="TokenCheckedAt"/>).</param>
public sealed record PersonaResponse(
    int Id, string Name, string IgUserId, PersonaStatus Status, string? StatusReason, string TokenHint, string TimeZone,
    int PostsLastHour, int? QuotaUsage, int? QuotaTotal, DateTime? LastPublishedAt, PostingWindowBody? PostingWindow = null,
    DateTime? TokenExpiresAt = null, DateTime? DataAccessExpiresAt = null, IReadOnlyList<string>? Scopes = null, DateTime? TokenCheckedAt = null,
    bool AiLabelDefault = true)
{
    public static PersonaResponse From(PersonaOverview overview) => From(overview.Persona, overview.PostsLastHour);

    public static PersonaResponse From(Persona p, int postsLastHour) =>
        new(p.Id, p.Name, p.IgUserId, p.Status, p.StatusReason, p.TokenHint, p.TimeZone, postsLastHour, p.QuotaUsage, p.QuotaTotal, p.LastPublishedAt,
            p.WindowFrom is { } from && p.WindowTo is { } to ? new PostingWindowBody(Domain.PostingWindow.Format(from), Domain.PostingWindow.Format(to)) : null,
            p.TokenExpiresAt, p.DataAccessExpiresAt, p.TokenScopes?.Split(',', StringSplitOptions.RemoveEmptyEntries), p.TokenCheckedAt, p.AiLabelDefault);
}

/// <summary>A persona's active hours in its own time zone, <c>HH:mm</c> each; both null clears them.</summary>
public sealed record PostingWindowBody(string? From, string? To);

/// <summary>A post from 005-approval. <c>mediaType</c> (default <c>IMAGE</c>) says which media fields it carries (docs/architecture.md#the-api).</summary>
public sealed record CreatePostRequest(
    int? PersonaId, string? ImageUrl, string? ImagePath, string? Caption, List<string>? Hashtags, string? ScheduledAt, string? ExternalId,
    string? MediaType = null, string? VideoUrl = null, string? VideoPath = null, string? CoverUrl = null, bool? ShareToFeed = null,
    List<PostItemBody?>? Items = null, System.Text.Json.JsonElement? Slot = null,
    bool? AiGenerated = null, string? AltText = null, List<UserTagBody?>? UserTags = null, List<string?>? Collaborators = null, string? LocationId = null,
    int? ThumbOffsetMs = null, string? AudioName = null, string? TrialReel = null, string? FirstComment = null) : IPostFieldsBody
{
    /// <summary>The media type asked for (IMAGE when absent or not valid: the validator reports a bad one).</summary>
    public MediaType Type => MediaTypes.TryParse(MediaType, out var type) ? type : Domain.MediaType.Image;

    /// <summary>What the post carries, with local paths in one form (forward slashes, no leading or trailing slash).</summary>
    public PostContent ToContent() => new(Type, ImageUrl, NormalizePath(ImagePath), VideoUrl, NormalizePath(VideoPath), CoverUrl, ShareToFeed ?? true,
        Items?.Select(i => i!.VideoUrl is not null || i.VideoPath is not null
            ? PostItem.Video(i.VideoUrl, NormalizePath(i.VideoPath))
            : PostItem.Image(i.ImageUrl, NormalizePath(i.ImagePath))).ToList());

    /// <summary>The optional fields as stored (usernames without <c>@</c>); item fields only when an item has any.</summary>
    public PostFields ToFields() =>
        (PostFieldsBody.Merge(this, PostFields.None) with
        {
            Items = Items is { } items && items.Any(i => i?.AltText is not null || i?.UserTags is not null)
                ? items.Select(i => new ItemFields(i?.AltText, PostFieldsBody.Tags(i?.UserTags))).ToList()
                : null,
        }).Normalized();

    internal static string? NormalizePath(string? path) => path?.Replace('\\', '/').Trim('/');
}

/// <summary>One carousel item: an image (<c>imageUrl</c>/<c>imagePath</c>) or a video (<c>videoUrl</c>/<c>videoPath</c>); an image's own alt text and tags.</summary>
public sealed record PostItemBody(string? ImageUrl, string? ImagePath, string? VideoUrl, string? VideoPath, string? AltText = null, List<UserTagBody?>? UserTags = null)
{
    public bool HasImage => ImageUrl is not null || ImagePath is not null;
    public bool HasVideo => VideoUrl is not null || VideoPath is not null;

    public static PostItemBody From(PostItem item, ItemFields fields) =>
        new(item.ImageUrl, item.ImagePath, item.VideoUrl, item.VideoPath, fields.AltText, PostFieldsBody.Bodies(fields.UserTags));
}

/// <summary>A tagged account: <c>username</c> (a leading <c>@</c> is dropped), and on an image its place <c>x</c>, <c>y</c> (0–1).</summary>
public sealed record UserTagBody(string? Username, double? X = null, double? Y = null);

/// <summary>The optional post fields a create or an edit carries (api.md "Post fields"); null leaves a field as it is.</summary>
public interface IPostFieldsBody
{
    bool? AiGenerated { get; }
    string? AltText { get; }
    List<UserTagBody?>? UserTags { get; }
    List<string?>? Collaborators { get; }
    string? LocationId { get; }
    int? ThumbOffsetMs { get; }
    string? AudioName { get; }
    string? TrialReel { get; }
    string? FirstComment { get; }
}

public static class PostFieldsBody
{
    /// <summary>
    /// <paramref name="body"/>'s fields over <paramref name="current"/>: a field given replaces the stored one; an empty text or
    /// list clears it. Usernames lose a leading <c>@</c> (<see cref="PostFields.Normalized"/>).
    /// </summary>
    public static PostFields Merge(IPostFieldsBody body, PostFields current) =>
        (current with
        {
            AltText = body.AltText ?? current.AltText,
            UserTags = body.UserTags is { } tags ? (tags.Count == 0 ? null : Tags(tags)) : current.UserTags,
            Collaborators = body.Collaborators is { } names ? (names.Count == 0 ? null : names.Select(n => n ?? "").ToList()) : current.Collaborators,
            LocationId = body.LocationId ?? current.LocationId,
            ThumbOffsetMs = body.ThumbOffsetMs ?? current.ThumbOffsetMs,
            AudioName = body.AudioName ?? current.AudioName,
            TrialReel = body.TrialReel is { } trial ? (trial.Length == 0 ? null : TryParseTrial(trial, out var t) ? t : null) : current.TrialReel,
        }).Normalized();

    public static List<UserTag>? Tags(List<UserTagBody?>? tags) => tags?.Select(t => new UserTag(t?.Username ?? "", t?.X, t?.Y)).ToList();

    public static List<UserTagBody?>? Bodies(IReadOnlyList<UserTag>? tags) => tags?.Select(t => (UserTagBody?)new UserTagBody(t.Username, t.X, t.Y)).ToList();

    /// <summary><c>MANUAL</c> or <c>SS_PERFORMANCE</c> (Meta's names).</summary>
    public static bool TryParseTrial(string? value, out TrialReel trial)
    {
        (var ok, trial) = value switch
        {
            "MANUAL" => (true, Domain.TrialReel.Manual),
            "SS_PERFORMANCE" => (true, Domain.TrialReel.SsPerformance),
            _ => (false, default),
        };
        return ok;
    }

    public static string TrialName(TrialReel trial) => trial == Domain.TrialReel.Manual ? "MANUAL" : "SS_PERFORMANCE";
}

/// <summary>An edit: each field given replaces the stored one (an empty text or list clears an optional field).</summary>
public sealed record EditPostRequest(string? ScheduledAt, string? Caption, List<string>? Hashtags,
    bool? AiGenerated = null, string? AltText = null, List<UserTagBody?>? UserTags = null, List<string?>? Collaborators = null, string? LocationId = null,
    int? ThumbOffsetMs = null, string? AudioName = null, string? TrialReel = null, string? FirstComment = null) : IPostFieldsBody
{
    public bool ChangesFields => AiGenerated is not null || AltText is not null || UserTags is not null || Collaborators is not null || LocationId is not null
                                 || ThumbOffsetMs is not null || AudioName is not null || TrialReel is not null;
}

/// <summary>A persona's settings an operator changes (<c>PATCH /api/personas/{id}</c>); null leaves one as it is.</summary>
public sealed record UpdatePersonaRequest(bool? AiLabelDefault);

/// <summary>A post's first comment: its text, where it is (<c>Pending</c>, <c>Posted</c>, <c>Failed</c>), its id at Meta, and the last error.</summary>
public sealed record FirstCommentResponse(string Text, string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CommentId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error)
{
    public static FirstCommentResponse? From(Post p) => p.FirstComment is { } text
        ? new(text, p.FirstCommentState switch
        {
            FirstCommentState.Posted => "Posted",
            FirstCommentState.Failed => "Failed",
            _ => "Pending", // Sending: its answer is not known yet
        }, p.FirstCommentId, p.FirstCommentError)
        : null;
}

public sealed record PublishNowRequest(bool Republish);

public sealed record RetryRequest(string? After);

public sealed record RetryMatchingRequest(string? After, PostStatus? Status, FailureReason? FailureReason, int? PersonaId);

public sealed record RetryMatchingResponse(int Retried);

public sealed record AttemptResponse(DateTime At, string Step, bool Succeeded, int? HttpStatus, int? Code, int? Subcode, string? Message, string? FbtraceId, int DurationMs)
{
    public static AttemptResponse From(PostAttempt a) => new(a.At, a.Step, a.Succeeded, a.HttpStatus, a.Code, a.Subcode, a.Message, a.FbtraceId, a.DurationMs);
}

public sealed record PostResponse(
    int Id, int PersonaId, string? PersonaName, PostStatus Status, MediaType MediaType, DateTime ScheduledAt, string Caption, IReadOnlyList<string> Hashtags,
    string FinalCaption, string? ImageUrl, string? ImagePath, string? VideoUrl, string? VideoPath, string? CoverUrl, bool ShareToFeed,
    IReadOnlyList<PostItemBody> Items, IReadOnlyList<AttemptResponse>? Attempts, string? ContainerId, string? MediaId,
    string? Permalink, DateTime? PublishedAt, FailureReason? FailureReason, string? LastError, DateTime? NextAttemptAt, string? ExternalId,
    ReadinessResponse? Readiness = null, bool Slotted = false, string? SlotReason = null, double? SlotScore = null,
    IReadOnlyList<InsightResponse>? Insights = null, DateTime? InsightsDueAt = null,
    bool AiGenerated = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AltText = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<UserTagBody?>? UserTags = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Collaborators = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LocationId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ThumbOffsetMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AudioName = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TrialReel = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FirstCommentResponse? FirstComment = null)
{
    public static PostResponse From(Post p, bool withAttempts, IReadOnlyList<PostInsight>? insights = null) =>
        new(p.Id, p.PersonaId, p.Persona?.Name, p.Status, p.MediaType, p.ScheduledAt, p.Caption, p.Hashtags, p.FinalCaption, p.ImageUrl, p.ImagePath,
            p.VideoUrl, p.VideoPath, p.CoverUrl, p.ShareToFeed, p.Items.Select((item, i) => PostItemBody.From(item, p.Fields.Item(i))).ToList(),
            withAttempts ? p.Attempts.Select(AttemptResponse.From).ToList() : null,
            p.ContainerId, p.MediaId, p.Permalink, p.PublishedAt, p.FailureReason, p.LastError, p.NextAttemptAt, p.ExternalId,
            p.CurrentReadiness is { } verdict ? ReadinessResponse.From(verdict) : null,
            p.Slotted, p.SlotReason is { } reason ? Texts.Slot(reason, p.ScheduledAt, p.Persona?.TimeZone ?? "Asia/Seoul", English) : null, p.SlotScore,
            insights?.Select(InsightResponse.From).ToList(), p.InsightsDueAt,
            p.AiGenerated, p.Fields.AltText, PostFieldsBody.Bodies(p.Fields.UserTags), p.Fields.Collaborators, p.Fields.LocationId, p.Fields.ThumbOffsetMs,
            p.Fields.AudioName, p.Fields.TrialReel is { } trial ? PostFieldsBody.TrialName(trial) : null, FirstCommentResponse.From(p));

    private static readonly System.Globalization.CultureInfo English = System.Globalization.CultureInfo.GetCultureInfo("en");
}

/// <summary>One read of a post's insights: its metrics, or why Meta gives none (<c>unavailable</c>).</summary>
/// A metric Meta did not give is left out, as is <c>unavailable</c> on a read with metrics.
public sealed record InsightResponse(DateTime ReadAt, int AgeHours,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Views,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Reach,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Likes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Comments,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Saved,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Shares,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TotalInteractions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] InsightsUnavailable? Unavailable)
{
    public static InsightResponse From(PostInsight i) =>
        new(i.ReadAt, i.AgeHours, i.Views, i.Reach, i.Likes, i.Comments, i.Saved, i.Shares, i.TotalInteractions, i.Unavailable);
}

/// <summary>A persona's results: its posts' last reads, and by hour of its week.</summary>
public sealed record PersonaInsightsResponse(int PersonaId, IReadOnlyList<PersonaPostInsightResponse> Posts, IReadOnlyList<Insights.HourOfWeekResult> ByHourOfWeek);

public sealed record PersonaPostInsightResponse(int PostId, MediaType MediaType, DateTime PublishedAt, InsightResponse Last);

/// <summary>A persona's learned scores by hour of its week, and its next best free times (docs/insights.md#learned-slots).</summary>
public sealed record SlotsResponse(int PersonaId, IReadOnlyList<SlotScoreResponse> Scores, IReadOnlyList<SlotTimeResponse> Next);

public sealed record SlotScoreResponse(DayOfWeek DayOfWeek, int Hour, double Score, int Posts);

public sealed record SlotTimeResponse(DateTime At, double Score, string Reason);

public sealed record ReslotResponse(int Moved);

/// <summary>A post's readiness (docs/readiness.md): its state, its problems (code, English words, the field), when it was checked.</summary>
public sealed record ReadinessResponse(ReadinessState State, IReadOnlyList<ProblemResponse> Problems, DateTime CheckedAt)
{
    public static ReadinessResponse From(PostReadiness verdict) => new(verdict.State, ProblemsOf(verdict), verdict.CheckedAt);

    public static IReadOnlyList<ProblemResponse> ProblemsOf(PostReadiness verdict) =>
        verdict.Problems.Select(p => new ProblemResponse(p.Code, Texts.Problem(p, System.Globalization.CultureInfo.GetCultureInfo("en")), p.Field, p.Blocks)).ToList();
}

public sealed record ProblemResponse(ReadinessCode Code, string Message, string? Field, bool Blocks);

public sealed record ReadinessItemResponse(int PostId, int PersonaId, string? PersonaName, DateTime ScheduledAt, DateTime DueAt, ReadinessState State,
    IReadOnlyList<ProblemResponse> Problems, DateTime CheckedAt);

/// <param name="Counts">Posts of the window by state (<c>Ready</c>, <c>Warning</c>, <c>Blocked</c>) and <c>Unchecked</c> (no verdict yet).</param>
public sealed record ReadinessListResponse(IReadOnlyList<ReadinessItemResponse> Items, IReadOnlyDictionary<string, int> Counts);

public sealed record PostListResponse(IReadOnlyList<PostResponse> Items, int Total);
