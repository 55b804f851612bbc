using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;
using PostingConsole.Publishing;

namespace PostingConsole.Sandbox;

/// <summary>
/// The simulated Graph API of Sandbox mode, served over real HTTP at <c>/sandbox/graph/{version}/…</c>
/// with Meta's paths, answers and error bodies. It downloads each image as Meta does and checks it
/// (JPEG, size, aspect ratio), tracks the quota, and moves containers IN_PROGRESS → FINISHED → PUBLISHED.
/// Each account can play a fault (<see cref="SandboxFault"/>), set on the persona or by <see cref="SandboxGraphState.SetFault"/>.
/// </summary>
public static partial class SandboxGraph
{
    public const string FetchClient = "sandbox-image-fetch";

    /// <summary>The User-Agent Meta's image fetcher sends.</summary>
    public const string MetaFetcherAgent = "facebookexternalhit/1.1";

    public static IEndpointRouteBuilder MapSandboxGraph(this IEndpointRouteBuilder app)
    {
        // Meta's own rules apply here (a Bearer token per call), not the console's sign-in.
        var graph = app.MapGroup("/sandbox/graph/{version:regex(^v\\d+\\.\\d+$)}").ExcludeFromDescription().AllowAnonymous()
            .AddEndpointFilter(AnswerTime);
        graph.MapPost("/{igUserId}/media", CreateContainer).DisableAntiforgery();
        graph.MapPost("/{igUserId}/media_publish", Publish).DisableAntiforgery();
        graph.MapGet("/{igUserId}/content_publishing_limit", PublishingLimit);
        graph.MapGet("/{igUserId}/media", ListMedia);
        graph.MapGet("/{igUserId}/stories", ListStories);
        graph.MapGet("/debug_token", DebugToken);
        graph.MapGet("/{id}/insights", Insights);
        graph.MapPost("/{mediaId}/comments", PostComment).DisableAntiforgery();
        graph.MapGet("/{mediaId}/comments", ListComments);
        graph.MapGet("/{id}", ReadObject);
        graph.MapGet("/", ReadObjects);
        // A CDN that is down: the demo data and tests point image URLs here to see the local-file fallback.
        app.MapGet("/sandbox/cdn-down/{**path}", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable)).AllowAnonymous().ExcludeFromDescription();
        // A CDN with hotlink protection: it serves the media files to everyone but Meta's fetcher.
        app.MapGet("/sandbox/cdn-blocks-meta/{**path}", (string path, HttpContext http, Operations.MediaFiles media) =>
            http.Request.Headers.UserAgent.ToString().Contains(MetaFetcherAgent, StringComparison.Ordinal) || !media.TryResolve(path, out var file, out _)
                ? Results.StatusCode(StatusCodes.Status403Forbidden)
                : Results.File(file, "image/jpeg")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> CreateContainer(string igUserId, HttpContext http, SandboxGraphState state, IHttpClientFactory clients, IServiceProvider services)
    {
        var (fault, refused) = await AdmitAsync(http, igUserId, state, services);
        if (refused is not null) return refused;

        if (state.TakeServerError(igUserId, SandboxCall.CreateContainer)) return SandboxErrors.ServerError();
        switch (fault)
        {
            case SandboxFault.Restricted:
                return SandboxErrors.Restricted();
            case SandboxFault.ServerErrors:
                state.Played(igUserId);
                return SandboxErrors.ServerError();
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var mediaType = form["media_type"].ToString();
        var isItem = form["is_carousel_item"] == "true";
        var caption = isItem ? "" : form["caption"].ToString();
        var imageUrl = form["image_url"].ToString();
        var videoUrl = form["video_url"].ToString();
        var processing = fault == SandboxFault.Slow ? state.SlowContainerProcessing : state.ContainerProcessing;
        var fails = fault == SandboxFault.ContainerError;

        if (isItem && mediaType is "STORIES" or "REELS" or "CAROUSEL") return SandboxErrors.BadParameter($"The media type {mediaType} cannot be a carousel item.");
        if (ReadFields(form, mediaType, isItem, videoUrl.Length > 0 || mediaType == "VIDEO", state, out var fields) is { } refusedField) return refusedField;
        switch (mediaType)
        {
            case "CAROUSEL":
                return CreateCarousel(igUserId, form["children"].ToString(), caption, state, processing, fails, fields);
            case "STORIES" when imageUrl.Length > 0 == videoUrl.Length > 0:
                return SandboxErrors.BadParameter("A story takes exactly one of image_url and video_url.");
            case "REELS" or "VIDEO" when videoUrl.Length == 0:
                return SandboxErrors.BadParameter("The parameter video_url is required.");
            case "VIDEO" when !isItem:
                return SandboxErrors.BadParameter("The media type VIDEO is only accepted for carousel items; use REELS.");
            case "STORIES" or "REELS" or "VIDEO" when videoUrl.Length > 0:
                // A reel's cover is downloaded as an image is; Meta refuses a cover it cannot fetch (9004/2207052).
                var coverUrl = form["cover_url"].ToString();
                if (mediaType == "REELS" && coverUrl.Length > 0 && await Download(coverUrl, MediaFormats.ImageMaxBytes, clients, http.RequestAborted) is null) return SandboxErrors.FetchFailed();
                var shareToFeed = mediaType != "REELS" || form["share_to_feed"] != "false";
                return await CreateVideoAsync(igUserId, videoUrl, caption, Kind(mediaType, isItem), state, clients, processing, fails, http.RequestAborted,
                    coverUrl.Length > 0 ? coverUrl : null, shareToFeed, fields);
            case "" or "IMAGE" or "STORIES":
                break;
            default:
                return SandboxErrors.BadParameter($"The media type {mediaType} is not supported.");
        }

        if (imageUrl.Length == 0) return SandboxErrors.BadParameter("The parameter image_url is required.");

        var image = await Download(imageUrl, MediaFormats.ImageMaxBytes, clients, http.RequestAborted);
        if (image is null) return SandboxErrors.FetchFailed();
        if (image.Length > MediaFormats.ImageMaxBytes) return SandboxErrors.TooLarge();
        if (fault == SandboxFault.CorruptImage)
        {
            // The stored file is damaged: the last half of it is gone.
            image = image[..(image.Length / 2)];
        }

        if (!MediaFormats.TryReadJpegSize(image, out var width, out var height)) return SandboxErrors.NotJpeg();
        var kind = Kind(mediaType, isItem);
        if (!MediaFormats.AspectFits(kind == SandboxMediaKind.Stories ? MediaType.Stories : MediaType.Image, width, height)) return SandboxErrors.BadAspectRatio();

        var container = state.AddContainer(new SandboxContainer(state.NewId(), igUserId, imageUrl, caption, state.Now,
            Environment.TickCount64 + (long)processing.TotalMilliseconds) { Fails = fails, Kind = kind, ReadsUntilReady = state.ImageReadsUntilReady, Fields = fields });
        return Results.Json(new GraphIdResponse(container.Id));
    }

    private static SandboxMediaKind Kind(string mediaType, bool isItem) =>
        isItem ? SandboxMediaKind.CarouselItem
        : mediaType switch
        {
            "STORIES" => SandboxMediaKind.Stories,
            "REELS" => SandboxMediaKind.Reels,
            _ => SandboxMediaKind.Image,
        };

    /// <summary>
    /// A video container, as at Meta: accepted at once, then IN_PROGRESS for a few status reads while the video is
    /// processed; a file that is not MP4/MOV (or cannot be fetched) ends in ERROR with Meta's status text.
    /// </summary>
    private static async Task<IResult> CreateVideoAsync(string igUserId, string videoUrl, string caption, SandboxMediaKind kind, SandboxGraphState state,
        IHttpClientFactory clients, TimeSpan processing, bool fails, CancellationToken cancellationToken, string? coverUrl = null, bool shareToFeed = true,
        SandboxFields? fields = null)
    {
        var head = await Download(videoUrl, 64, clients, cancellationToken);
        if (head is null) return SandboxErrors.FetchFailed();
        var usable = MediaFormats.IsVideoContainer(head);
        var container = state.AddContainer(new SandboxContainer(state.NewId(), igUserId, videoUrl, caption, state.Now,
            Environment.TickCount64 + (long)processing.TotalMilliseconds)
        {
            Kind = kind,
            IsVideo = true,
            ReadsUntilReady = state.VideoReadsUntilReady,
            Fails = fails || !usable,
            ErrorStatus = usable ? null : SandboxErrors.VideoFormatStatus,
            CoverUrl = coverUrl,
            ShareToFeed = shareToFeed,
            Fields = fields ?? SandboxFields.None,
        });
        return Results.Json(new GraphIdResponse(container.Id));
    }

    /// <summary>A carousel container: 2–10 children, each a FINISHED carousel item of the same account (else 100/2207028).</summary>
    private static IResult CreateCarousel(string igUserId, string children, string caption, SandboxGraphState state, TimeSpan processing, bool fails,
        SandboxFields fields)
    {
        var ids = children.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length is < MediaFormats.CarouselMinItems or > MediaFormats.CarouselMaxItems)
        {
            return SandboxErrors.BadCarousel($"A carousel takes {MediaFormats.CarouselMinItems} to {MediaFormats.CarouselMaxItems} children; {ids.Length} given.");
        }

        foreach (var id in ids)
        {
            var child = state.Container(id);
            if (child is null || child.IgUserId != igUserId || child.Kind != SandboxMediaKind.CarouselItem)
            {
                return SandboxErrors.BadCarousel($"The child {id} is not a carousel item of this account.");
            }

            switch (child.StatusCode(state.Now))
            {
                case "IN_PROGRESS":
                    return SandboxErrors.NotReady(); // 9007/2207027: the child is still being processed
                case "ERROR" or "EXPIRED" or "PUBLISHED":
                    return SandboxErrors.BadCarousel($"The child {id} cannot be used ({child.StatusCode(state.Now)}).");
            }
        }

        var container = state.AddContainer(new SandboxContainer(state.NewId(), igUserId, "", caption, state.Now,
            Environment.TickCount64 + (long)processing.TotalMilliseconds) { Kind = SandboxMediaKind.Carousel, Children = ids, Fails = fails, Fields = fields });
        return Results.Json(new GraphIdResponse(container.Id));
    }

    private static async Task<IResult> Publish(string igUserId, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        var (fault, refused) = await AdmitAsync(http, igUserId, state, services);
        if (refused is not null) return refused;
        if (fault == SandboxFault.Restricted) return SandboxErrors.Restricted();
        if (state.TakeServerError(igUserId, SandboxCall.Publish)) return SandboxErrors.ServerError();

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var container = state.Container(form["creation_id"].ToString());
        if (container is null || container.IgUserId != igUserId) return SandboxErrors.UnknownObject(form["creation_id"].ToString());
        if (container.Kind == SandboxMediaKind.CarouselItem) return SandboxErrors.BadParameter("A carousel item is published with its carousel, not alone.");

        if (fault == SandboxFault.Spam) return SandboxErrors.Spam();
        switch (container.StatusCode(state.Now))
        {
            case "IN_PROGRESS" or "ERROR":
                return SandboxErrors.NotReady();
            case "EXPIRED":
                return SandboxErrors.ContainerExpired();
            case "PUBLISHED":
                return SandboxErrors.BadParameter("The media has already been published.");
        }

        if (fault == SandboxFault.QuotaReached || state.QuotaUsage(igUserId) >= state.QuotaTotal) return SandboxErrors.QuotaReached();

        var media = state.Publish(container);
        if (media is null) return SandboxErrors.BadParameter("The media has already been published.");

        if (fault == SandboxFault.SpamAfterPublish) return SandboxErrors.Spam();

        if (fault == SandboxFault.LostPublishAnswer)
        {
            // The post went out, but the answer never reaches the caller.
            state.Played(igUserId);
            http.Abort();
            return Results.Empty;
        }

        // Read-after-write: a POST with fields answers them for the object it made.
        var fields = form["fields"].ToString().Split(',', StringSplitOptions.TrimEntries);
        return state.ReadAfterWrite && fields.Contains("permalink")
            ? Results.Json(new MediaPermalink(media.Id, media.Permalink, fields.Contains("shortcode") ? media.Shortcode : null, null),
                new System.Text.Json.JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull })
            : Results.Json(new GraphIdResponse(media.Id));
    }

    /// <summary>
    /// Meta's answer time: every answer leaves <see cref="SandboxGraphState.Latency"/> after the request arrived,
    /// whatever work the answer took (the Slow fault: <see cref="SandboxGraphState.SlowLatency"/>).
    /// </summary>
    private static async ValueTask<object?> AnswerTime(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var clock = http.RequestServices.GetRequiredService<GraphClock>().Time;
        var arrived = http.Items.TryGetValue(ArrivedKey, out var stamp) ? (long)stamp! : clock.GetTimestamp();
        var state = http.RequestServices.GetRequiredService<SandboxGraphState>();
        using var call = state.CallStarted(http.RequestAborted);
        await state.WhileHeldAsync(http.RequestAborted);
        var result = await next(context);
        var latency = http.Items.TryGetValue(SlowKey, out _) ? state.SlowLatency : state.Latency;
        var remaining = latency - clock.GetElapsedTime(arrived);
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining, clock, http.RequestAborted);
        return result;
    }

    private const string SlowKey = "sandbox-slow";
    private const string ArrivedKey = "sandbox-arrived";

    /// <summary>Stamps each Graph request as it enters the app, so the answer time counts the whole pipeline.</summary>
    public static IApplicationBuilder UseSandboxGraphClock(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/sandbox/graph")) context.Items[ArrivedKey] = context.RequestServices.GetRequiredService<GraphClock>().Time.GetTimestamp();
            return next(context);
        });

    /// <summary>
    /// What every call goes through, as at Meta: the account must exist and the token must be its current one (a wrong or
    /// stale token gets 190), then the app's and the account's throttle windows, then the account's fault. Normal answers
    /// carry the app's usage header.
    /// </summary>
    private static async Task<(SandboxFault Fault, IResult? Refused)> AdmitAsync(HttpContext http, string igUserId, SandboxGraphState state, IServiceProvider services)
    {
        var bearer = http.Request.Headers.Authorization.ToString();
        var account = await AccountFor(igUserId, state, services, fresh: false);
        // A token just replaced in the console is read again before it is refused.
        if (account is not null && bearer != $"Bearer {account.Token}") account = await AccountFor(igUserId, state, services, fresh: true);
        var fault = state.OverrideFor(igUserId) ?? account?.Fault ?? SandboxFault.None;
        if (fault == SandboxFault.Slow) http.Items[SlowKey] = true;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= "Bearer ".Length) return (fault, SandboxErrors.MissingToken());
        if (account is null) return (fault, SandboxErrors.UnknownObject(igUserId));
        if (authorization["Bearer ".Length..] != account.Token) return (fault, SandboxErrors.InvalidToken());

        var arrived = http.Items.TryGetValue(ArrivedKey, out var stamp) ? (long)stamp! : long.MaxValue;
        if (state.AppThrottle(arrived) is not null)
        {
            http.Response.Headers["X-App-Usage"] = """{"call_count":100,"total_time":40,"total_cputime":40}""";
            return (fault, SandboxErrors.Throttled(4));
        }

        if (state.AccountThrottle(igUserId, arrived) is { } window)
        {
            var estimate = window.Estimate is { } e ? $$""","estimated_time_to_regain_access":{{(int)Math.Ceiling(e.TotalMinutes)}}""" : "";
            http.Response.Headers["X-Business-Use-Case-Usage"] =
                $$"""{"{{igUserId}}":[{"type":"instagram","call_count":100,"total_time":40,"total_cputime":40{{estimate}}}]}""";
            return (fault, SandboxErrors.Throttled(window.Code));
        }

        if (account.TokenExpiresAt <= state.Now) return (fault, SandboxErrors.TokenExpired());
        switch (fault)
        {
            case SandboxFault.TokenExpired:
                return (fault, SandboxErrors.TokenExpired());
            case SandboxFault.Throttled:
                http.Response.Headers["X-Business-Use-Case-Usage"] =
                    $$"""{"{{igUserId}}":[{"type":"instagram","call_count":100,"total_time":40,"total_cputime":40,"estimated_time_to_regain_access":60}]}""";
                return (fault, SandboxErrors.Throttled(4));
            default:
                http.Response.Headers["X-App-Usage"] = $$"""{"call_count":{{state.AppUsagePercent}},"total_time":2,"total_cputime":2}""";
                return (fault, null);
        }
    }

    /// <summary>Meta's record of the account: its valid token (set on the state, else the persona's stored one) and its fault.</summary>
    private static async Task<SandboxAccount?> AccountFor(string igUserId, SandboxGraphState state, IServiceProvider services, bool fresh)
    {
        var known = await state.AccountAsync(igUserId, async () =>
        {
            var contexts = services.GetService<IDbContextFactory<PostingDbContext>>();
            if (contexts is null) return null;
            await using var db = await contexts.CreateDbContextAsync();
            var persona = await db.Personas.AsNoTracking().Where(p => p.IgUserId == igUserId)
                .Select(p => new { p.SandboxFault, p.ProtectedToken, p.SandboxTokenExpiresAt }).FirstOrDefaultAsync();
            if (persona is null) return null;
            string? token;
            try
            {
                token = services.GetRequiredService<TokenProtector>().Unprotect(persona.ProtectedToken);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                token = null; // a token this console cannot read is no token Meta knows
            }

            return new SandboxAccount(persona.SandboxFault, token ?? "", persona.SandboxTokenExpiresAt);
        }, fresh);
        return state.AccountToken(igUserId) is { } current ? new SandboxAccount(known?.Fault ?? SandboxFault.None, current, known?.TokenExpiresAt) : known;
    }

    /// <summary>Downloads the media as Meta's fetcher does: no auth, at most <paramref name="limit"/> bytes (and one chunk more) read.</summary>
    private static async Task<byte[]?> Download(string url, long limit, IHttpClientFactory clients, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)) return null;
        try
        {
            using var response = await clients.CreateClient(FetchClient).GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode) return null;
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit) break;
            }

            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static string Timestamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", System.Globalization.CultureInfo.InvariantCulture);
}
