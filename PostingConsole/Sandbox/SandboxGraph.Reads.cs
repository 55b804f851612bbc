using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;
using PostingConsole.Publishing;

namespace PostingConsole.Sandbox;

/// <summary>The Sandbox Graph API's reads: the quota, the account's media and stories, one object or several.</summary>
public static partial class SandboxGraph
{
    private static async Task<IResult> PublishingLimit(string igUserId, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        var (fault, refused) = await AdmitAsync(http, igUserId, state, services);
        if (refused is not null) return refused;
        if (state.TakeServerError(igUserId, SandboxCall.Read)) return SandboxErrors.ServerError();
        var usage = fault == SandboxFault.QuotaReached ? state.QuotaTotal : state.QuotaUsage(igUserId);
        return Results.Json(new PublishingLimitResponse([new PublishingLimit(usage, new PublishingLimitConfig(state.QuotaTotal, 86400))]));
    }

    private static async Task<IResult> ListMedia(string igUserId, long? since, string? fields, int? limit, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        var (fault, refused) = await AdmitAsync(http, igUserId, state, services);
        if (refused is not null) return refused;
        if (state.TakeServerError(igUserId, SandboxCall.Read)) return SandboxErrors.ServerError();
        var from = since is { } s ? DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime : DateTime.MinValue;
        if (fields?.Contains("media_url", StringComparison.Ordinal) == true)
        {
            // What a profile grid shows: each media's picture as Meta serves it (a carousel's first image, a reel's cover).
            var grid = state.MediaOf(igUserId, from).Take(Math.Clamp(limit ?? 25, 1, 100)).Select(m => Profile(m, state)).ToList();
            return Results.Json(new ProfileMediaResponse(grid));
        }

        var items = state.MediaOf(igUserId, from).Select(m => new MediaItem(m.Id, m.Caption, Timestamp(m.PublishedAt), m.Permalink)).ToList();
        return Results.Json(new MediaListResponse(items));
    }

    private static ProfileMedia Profile(SandboxMedia media, SandboxGraphState state)
    {
        var container = state.Container(media.ContainerId);
        var first = container?.Children is [var child, ..] ? state.Container(child) : container;
        var type = media.Kind switch
        {
            SandboxMediaKind.Carousel => "CAROUSEL_ALBUM",
            SandboxMediaKind.Reels => "VIDEO",
            _ => "IMAGE",
        };
        var video = first?.IsVideo == true;
        return new ProfileMedia(media.Id, type, video ? null : first?.ImageUrl, video ? container?.CoverUrl ?? first?.CoverUrl : null, media.Permalink, Timestamp(media.PublishedAt));
    }

    private static async Task<IResult> ListStories(string igUserId, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        var (_, refused) = await AdmitAsync(http, igUserId, state, services);
        if (refused is not null) return refused;
        if (state.TakeServerError(igUserId, SandboxCall.Read)) return SandboxErrors.ServerError();
        var items = state.StoriesOf(igUserId).Select(m => new MediaItem(m.Id, null, Timestamp(m.PublishedAt), m.Permalink)).ToList();
        return Results.Json(new MediaListResponse(items));
    }

    private static async Task<IResult> ReadObject(string id, string? fields, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        if (state.Container(id) is { } container)
        {
            var (fault, refused) = await AdmitAsync(http, container.IgUserId, state, services);
            if (refused is not null) return refused;
            if (state.TakeServerError(container.IgUserId, SandboxCall.Read)) return SandboxErrors.ServerError();
            var code = container.ReadStatusCode(state.Now);
            var text = code switch
            {
                "FINISHED" => "Finished: Media has been uploaded and it is ready to be published.",
                "PUBLISHED" => "Published: Media has been successfully published.",
                "EXPIRED" => "Expired: Media container has expired.",
                "ERROR" => container.ErrorStatus ?? state.ContainerErrorStatus,
                _ => "In Progress: Media is still being processed.",
            };
            return Results.Json(new ContainerStatus(container.Id, code, text));
        }

        if (state.Media(id) is { } media)
        {
            var (fault, refused) = await AdmitAsync(http, media.IgUserId, state, services);
            if (refused is not null) return refused;
            if (state.TakeServerError(media.IgUserId, SandboxCall.Read)) return SandboxErrors.ServerError();
            if ((fields ?? "").Split(',', StringSplitOptions.TrimEntries).Contains("is_ai_generated"))
            {
                // The AI label reads back (changelog 2026-06-22).
                return Results.Json(new { id = media.Id, permalink = media.Permalink, is_ai_generated = media.Fields.AiGenerated });
            }

            return Results.Json(new MediaPermalink(media.Id, media.Permalink, media.Shortcode, Timestamp(media.PublishedAt)));
        }

        if (await AccountFor(id, state, services, fresh: false) is not null) return await ReadAccountAsync(id, fields ?? "", http, state, services);
        return SandboxErrors.UnknownObject(id);
    }

    /// <summary><c>GET /?ids=…&amp;fields=permalink</c>: several media at once; one the token cannot see fails the whole read, as at Meta.</summary>
    private static async Task<IResult> ReadObjects(string? ids, string? fields, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        var wanted = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (wanted.Length == 0) return SandboxErrors.BadParameter("The parameter ids is required.");
        const string insightsField = "insights.metric(";
        if (fields is not null && fields.StartsWith(insightsField, StringComparison.Ordinal) && fields.EndsWith(')'))
            return await ReadInsightsOf(wanted, fields[insightsField.Length..^1], http, state, services);
        var found = new Dictionary<string, MediaPermalink>();
        string? account = null;
        foreach (var id in wanted)
        {
            if (state.IsDeleted(id) || state.Media(id) is not { } media || (account is not null && media.IgUserId != account)) return SandboxErrors.UnknownObject(id);
            account = media.IgUserId;
            found[id] = new MediaPermalink(media.Id, media.Permalink, media.Shortcode, Timestamp(media.PublishedAt));
        }

        var (fault, refused) = await AdmitAsync(http, account!, state, services);
        if (refused is not null) return refused;
        if (state.TakeServerError(account!, SandboxCall.Read)) return SandboxErrors.ServerError();
        return Results.Json(found);
    }
}
