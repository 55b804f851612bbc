using PostingConsole.Domain;
using PostingConsole.Operations;

namespace PostingConsole.Api;

// Request and response bodies of api.md. Times go out as UTC ISO 8601 ("…Z").

public sealed record CreatePersonaRequest(string? Name, string? IgUserId, string? AccessToken, string? TimeZone);

public sealed record UpdateTokenRequest(string? AccessToken);

public sealed record PauseRequest(string? Reason);

public sealed record PersonaResponse(
    int Id, string Name, string IgUserId, PersonaStatus Status, string? StatusReason, string TokenHint, string TimeZone,
    int PostsLastHour, int? QuotaUsage, int? QuotaTotal, DateTime? LastPublishedAt, PostingWindowBody? PostingWindow = null)
{
    public static PersonaResponse From(PersonaOverview overview) => From(overview.Persona, overview.PostsLastHour);

    public static PersonaResponse From(Persona p, int postsLastHour) =>
        new(p.Id, p.Name, p.IgUserId, p.Status, p.StatusReason, p.TokenHint, p.TimeZone, postsLastHour, p.QuotaUsage, p.QuotaTotal, p.LastPublishedAt,
            p.WindowFrom is { } from && p.WindowTo is { } to ? new PostingWindowBody(Domain.PostingWindow.Format(from), Domain.PostingWindow.Format(to)) : null);
}

/// <summary>A persona's active hours in its own time zone, <c>HH:mm</c> each; both null clears them.</summary>
public sealed record PostingWindowBody(string? From, string? To);

public sealed record CreatePostRequest(
    int? PersonaId, string? ImageUrl, string? ImagePath, string? Caption, List<string>? Hashtags, string? ScheduledAt, string? ExternalId);

public sealed record EditPostRequest(string? ScheduledAt, string? Caption, List<string>? Hashtags);

public sealed record PublishNowRequest(bool Republish);

public sealed record RetryRequest(string? After);

public sealed record RetryMatchingRequest(string? After, PostStatus? Status, FailureReason? FailureReason, int? PersonaId);

public sealed record RetryMatchingResponse(int Retried);

public sealed record AttemptResponse(DateTime At, string Step, bool Succeeded, int? HttpStatus, int? Code, int? Subcode, string? Message, string? FbtraceId, int DurationMs)
{
    public static AttemptResponse From(PostAttempt a) => new(a.At, a.Step, a.Succeeded, a.HttpStatus, a.Code, a.Subcode, a.Message, a.FbtraceId, a.DurationMs);
}

public sealed record PostResponse(
    int Id, int PersonaId, string? PersonaName, PostStatus Status, DateTime ScheduledAt, string Caption, IReadOnlyList<string> Hashtags,
    string FinalCaption, string? ImageUrl, string? ImagePath, IReadOnlyList<AttemptResponse>? Attempts, string? ContainerId, string? MediaId,
    string? Permalink, DateTime? PublishedAt, FailureReason? FailureReason, string? LastError, DateTime? NextAttemptAt, string? ExternalId)
{
    public static PostResponse From(Post p, bool withAttempts) =>
        new(p.Id, p.PersonaId, p.Persona?.Name, p.Status, p.ScheduledAt, p.Caption, p.Hashtags, p.FinalCaption, p.ImageUrl, p.ImagePath,
            withAttempts ? p.Attempts.Select(AttemptResponse.From).ToList() : null,
            p.ContainerId, p.MediaId, p.Permalink, p.PublishedAt, p.FailureReason, p.LastError, p.NextAttemptAt, p.ExternalId);
}

public sealed record PostListResponse(IReadOnlyList<PostResponse> Items, int Total);
