using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Polly.Timeout;

namespace PostingConsole.Publishing.Graph;

/// <summary>
/// The typed client for the Instagram Graph API (Live or the console's own Sandbox, same wire format).
/// The token travels only in the <c>Authorization</c> header, never in a URL, a log line or an exception.
/// Timeouts and the retry of safe (GET) calls come from the resilience handler registered with it;
/// <c>media_publish</c> is a POST and is never retried here.
/// </summary>
public sealed class GraphClient(HttpClient http, GraphEndpoint endpoint, Observability.PostingMetrics metrics)
{
    /// <summary><c>POST /{ig-user-id}/media</c>: a feed photo, a story, a reel, a carousel child or a carousel (see <see cref="ContainerRequest"/>).</summary>
    public Task<GraphResult<string>> CreateContainerAsync(string igUserId, string token, ContainerRequest container, CancellationToken cancellationToken) =>
        SendAsync<GraphIdResponse, string>(HttpMethod.Post, $"{Escape(igUserId)}/media", token, container.ToForm(), r => r.Id, cancellationToken);

    public Task<GraphResult<ContainerStatus>> GetContainerStatusAsync(string containerId, string token, CancellationToken cancellationToken) =>
        SendAsync<ContainerStatus, ContainerStatus>(HttpMethod.Get, $"{Escape(containerId)}?fields=status_code,status", token, null, r => r, cancellationToken);

    /// <summary>
    /// <c>POST /{ig-user-id}/media_publish</c>, asking for the new media's permalink in the same answer (Graph API's read-after-write:
    /// a POST with <c>fields</c> answers the created object's fields). An answer without it leaves the permalink to a later read.
    /// </summary>
    public Task<GraphResult<MediaPermalink>> PublishAsync(string igUserId, string token, string containerId, CancellationToken cancellationToken) =>
        SendAsync<MediaPermalink, MediaPermalink>(HttpMethod.Post, $"{Escape(igUserId)}/media_publish", token,
            new Dictionary<string, string> { ["creation_id"] = containerId, ["fields"] = "id,permalink" }, r => r.Id is null ? null : r, cancellationToken);

    public Task<GraphResult<MediaPermalink>> GetPermalinkAsync(string mediaId, string token, CancellationToken cancellationToken) =>
        SendAsync<MediaPermalink, MediaPermalink>(HttpMethod.Get, $"{Escape(mediaId)}?fields=permalink,shortcode,timestamp", token, null, r => r, cancellationToken);

    /// <summary>
    /// Permalinks of several media of one account in one read (<c>GET /?ids=…&amp;fields=permalink</c>). An id the token cannot
    /// see fails the whole read, so one call carries the media of one account only.
    /// </summary>
    public Task<GraphResult<IReadOnlyDictionary<string, string>>> GetPermalinksAsync(IReadOnlyCollection<string> mediaIds, string token, CancellationToken cancellationToken) =>
        SendAsync<Dictionary<string, MediaPermalink>, IReadOnlyDictionary<string, string>>(HttpMethod.Get,
            $"?ids={string.Join(",", mediaIds.Select(Escape))}&fields=permalink", token, null,
            r => r.Where(m => m.Value.Permalink is not null).ToDictionary(m => m.Key, m => m.Value.Permalink!), cancellationToken);

    public Task<GraphResult<PublishingLimit>> GetPublishingLimitAsync(string igUserId, string token, CancellationToken cancellationToken) =>
        SendAsync<PublishingLimitResponse, PublishingLimit>(HttpMethod.Get, $"{Escape(igUserId)}/content_publishing_limit?fields=config,quota_usage", token, null,
            r => r.Data.FirstOrDefault() ?? new PublishingLimit(0, new PublishingLimitConfig(0, 86400)), cancellationToken);

    /// <summary>
    /// The account's daily read, in one call by field expansion on the IG user: its publishing quota, with
    /// <paramref name="audience"/> its <c>online_followers</c>, and with <paramref name="mediaMetrics"/> the insights of its
    /// <paramref name="mediaLimit"/> newest feed media (<c>GET /{ig-user-id}?fields=content_publishing_limit{…},
    /// insights.metric(online_followers).period(lifetime),media.limit(N){insights.metric(…)}</c>). One media Meta gives no insights
    /// for fails the whole read, as in a batch.
    /// </summary>
    public Task<GraphResult<AccountRead>> GetAccountAsync(string igUserId, string token, bool audience, CancellationToken cancellationToken,
        string? mediaMetrics = null, int mediaLimit = 25)
    {
        var fields = "content_publishing_limit{config,quota_usage}"
                     + (audience ? ",insights.metric(online_followers).period(lifetime)" : "")
                     + (mediaMetrics is null ? "" : $",media.limit({mediaLimit}){{insights.metric({mediaMetrics})}}");
        return SendAsync<AccountReadResponse, AccountRead>(HttpMethod.Get, $"{Escape(igUserId)}?fields={Escape(fields)}", token, null,
            r => new AccountRead(r.PublishingLimit?.Data.FirstOrDefault() ?? new PublishingLimit(0, new PublishingLimitConfig(0, 86400)),
                r.Insights is { } insights ? InsightValues.ToOnlineFollowers(insights.Data) : null,
                r.Media?.Data.Where(m => m.Id is not null).ToDictionary(m => m.Id!, m => InsightValues.ToMetrics(m.Insights?.Data ?? []))), cancellationToken);
    }

    /// <summary>
    /// <c>GET /debug_token?input_token=…</c>, asked with the same token (docs/readiness.md#tokens). The token to inspect travels in
    /// the query, as Meta defines the call; the request's URL is never logged (the client's per-request logging is off).
    /// </summary>
    public Task<GraphResult<TokenInfo>> DebugTokenAsync(string token, CancellationToken cancellationToken) =>
        SendAsync<DebugTokenResponse, TokenInfo>(HttpMethod.Get, $"debug_token?input_token={Escape(token)}", token, null, r => r.Data, cancellationToken);

    /// <summary>
    /// Insights of several media of one account in one read, by field expansion (<c>GET /?ids=…&amp;fields=insights.metric(…)</c>,
    /// docs/insights.md). As with permalinks, an id the token cannot read fails the whole read.
    /// </summary>
    public Task<GraphResult<IReadOnlyDictionary<string, Domain.PostMetrics>>> GetInsightsAsync(IReadOnlyCollection<string> mediaIds, string metrics, string token,
        CancellationToken cancellationToken) =>
        SendAsync<Dictionary<string, MediaInsightsEnvelope>, IReadOnlyDictionary<string, Domain.PostMetrics>>(HttpMethod.Get,
            $"?ids={string.Join(",", mediaIds.Select(Escape))}&fields={Escape($"insights.metric({metrics})")}", token, null,
            r => r.ToDictionary(m => m.Key, m => InsightValues.ToMetrics(m.Value.Insights?.Data ?? [])), cancellationToken);

    /// <summary><c>GET /{ig-media-id}/insights?metric=…</c>: one media's insights (what a batch falls back to when one of its media fails it).</summary>
    public Task<GraphResult<Domain.PostMetrics>> GetMediaInsightsAsync(string mediaId, string metrics, string token, CancellationToken cancellationToken) =>
        SendAsync<InsightsResponse, Domain.PostMetrics>(HttpMethod.Get, $"{Escape(mediaId)}/insights?metric={Escape(metrics)}", token, null,
            r => InsightValues.ToMetrics(r.Data), cancellationToken);

    /// <summary>
    /// <c>GET /{ig-user-id}/insights?metric=online_followers&amp;period=lifetime</c>: followers online by hour of the day for recent
    /// days, each day's hours keyed "0"–"23" in a time zone Meta does not name (<c>Insights:OnlineFollowersTimeZone</c>).
    /// </summary>
    public Task<GraphResult<IReadOnlyList<OnlineFollowersDay>>> GetOnlineFollowersAsync(string igUserId, string token, CancellationToken cancellationToken) =>
        SendAsync<InsightsResponse, IReadOnlyList<OnlineFollowersDay>>(HttpMethod.Get, $"{Escape(igUserId)}/insights?metric=online_followers&period=lifetime",
            token, null, r => InsightValues.ToOnlineFollowers(r.Data), cancellationToken);

    /// <summary>
    /// <c>POST /{ig-media-id}/comments</c> with <c>message</c>: the first comment (docs/architecture.md#first-comment). Like media_publish it
    /// has no idempotency key: a lost answer is read back with <see cref="ListCommentsAsync"/>, never sent again blindly.
    /// </summary>
    public Task<GraphResult<string>> PostCommentAsync(string mediaId, string token, string message, CancellationToken cancellationToken) =>
        SendAsync<GraphIdResponse, string>(HttpMethod.Post, $"{Escape(mediaId)}/comments", token, new Dictionary<string, string> { ["message"] = message },
            r => r.Id, cancellationToken);

    /// <summary>
    /// <c>GET /{ig-media-id}/comments?fields=id,text,from,username&amp;limit=100</c>: the media's newest comments, to find the account's
    /// own (looked for minutes after it was sent, so the first page holds it on all but the busiest posts).
    /// </summary>
    public Task<GraphResult<IReadOnlyList<MediaComment>>> ListCommentsAsync(string mediaId, string token, CancellationToken cancellationToken) =>
        SendAsync<CommentListResponse, IReadOnlyList<MediaComment>>(HttpMethod.Get, $"{Escape(mediaId)}/comments?fields=id,text,from,username&limit=100", token, null,
            r => r.Data, cancellationToken);

    public Task<GraphResult<IReadOnlyList<MediaItem>>> ListRecentMediaAsync(string igUserId, string token, DateTime sinceUtc, CancellationToken cancellationToken)
    {
        var since = new DateTimeOffset(sinceUtc, TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return SendAsync<MediaListResponse, IReadOnlyList<MediaItem>>(HttpMethod.Get, $"{Escape(igUserId)}/media?since={since}&fields=id,caption,timestamp,permalink",
            token, null, r => r.Data, cancellationToken);
    }

    /// <summary>
    /// The account's newest feed media with what a grid shows of them (<c>GET /{ig-user-id}/media?fields=id,media_type,media_url,
    /// thumbnail_url,permalink,timestamp&amp;limit=N</c>): a photo's or a carousel's first image in <c>media_url</c>, a video's frame in
    /// <c>thumbnail_url</c>.
    /// </summary>
    public Task<GraphResult<IReadOnlyList<ProfileMedia>>> ListProfileMediaAsync(string igUserId, string token, int limit, CancellationToken cancellationToken) =>
        SendAsync<ProfileMediaResponse, IReadOnlyList<ProfileMedia>>(HttpMethod.Get,
            $"{Escape(igUserId)}/media?fields=id,media_type,media_url,thumbnail_url,permalink,timestamp&limit={limit}", token, null, r => r.Data, cancellationToken);

    /// <summary>The account's live stories (<c>GET /{ig-user-id}/stories</c>): where a published story is found, not under <c>/media</c>.</summary>
    public Task<GraphResult<IReadOnlyList<MediaItem>>> ListStoriesAsync(string igUserId, string token, CancellationToken cancellationToken) =>
        SendAsync<MediaListResponse, IReadOnlyList<MediaItem>>(HttpMethod.Get, $"{Escape(igUserId)}/stories?fields=id,caption,timestamp,permalink",
            token, null, r => r.Data, cancellationToken);

    /// <summary>One Graph call, counted in the metrics by the calling method's name (<c>PublishAsync</c> is <c>publish</c>).</summary>
    private async Task<GraphResult<TValue>> SendAsync<TBody, TValue>(HttpMethod method, string relative, string token,
        Dictionary<string, string>? form, Func<TBody, TValue?> select, CancellationToken cancellationToken,
        [System.Runtime.CompilerServices.CallerMemberName] string caller = "") where TValue : notnull
    {
        metrics.GraphCallStarted();
        GraphError? error = Abandoned;
        try
        {
            var result = await CallAsync(method, relative, token, form, select, cancellationToken);
            error = result.Error;
            return result;
        }
        finally
        {
            metrics.GraphCallEnded(EndpointName(caller), error switch { null => "ok", { NoAnswer: true } => "no_answer", _ => "error" }, error?.Code, error?.Subcode);
        }
    }

    /// <summary>A call given up by its caller (cancelled, the process stopping): counted as one with no answer.</summary>
    private static readonly GraphError Abandoned = new(null, null, null, "cancelled", NoAnswer: true);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> EndpointNames = new();

    /// <summary><c>GetContainerStatusAsync</c> → <c>get_container_status</c>: one tag value per client method.</summary>
    private static string EndpointName(string caller) => EndpointNames.GetOrAdd(caller, name =>
        System.Text.RegularExpressions.Regex.Replace(name.EndsWith("Async", StringComparison.Ordinal) ? name[..^5] : name, "(?<=[a-z])([A-Z])", "_$1").ToLowerInvariant());

    private async Task<GraphResult<TValue>> CallAsync<TBody, TValue>(HttpMethod method, string relative, string token,
        Dictionary<string, string>? form, Func<TBody, TValue?> select, CancellationToken cancellationToken) where TValue : notnull
    {
        using var request = new HttpRequestMessage(method, endpoint.Resolve(relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (form is not null) request.Content = new FormUrlEncodedContent(form);

        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or TaskCanceledException or IOException
                                   && !cancellationToken.IsCancellationRequested)
        {
            // No answer: the call may or may not have been carried out. Never includes the request's headers.
            var reason = ex is TimeoutRejectedException or TaskCanceledException ? "timeout" : "connection failed";
            return GraphResult<TValue>.Failed(new GraphError(null, null, null, reason, NoAnswer: true), null, (int)watch.ElapsedMilliseconds, GraphUsage.None);
        }

        using (response)
        {
            var usage = GraphUsageHeaders.Parse(response.Headers);
            var status = (int)response.StatusCode;
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                return GraphResult<TValue>.Failed(new GraphError(status, null, null, "answer lost while reading", NoAnswer: true), status, (int)watch.ElapsedMilliseconds, usage);
            }

            var elapsed = (int)watch.ElapsedMilliseconds;
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    var parsed = JsonSerializer.Deserialize<TBody>(body);
                    if (parsed is not null && select(parsed) is { } value) return GraphResult<TValue>.Ok(value, status, elapsed, usage);
                }
                catch (JsonException)
                {
                    // Fall through to an error naming the unexpected answer.
                }

                return GraphResult<TValue>.Failed(new GraphError(status, null, null, "unexpected answer from Graph API"), status, elapsed, usage);
            }

            return GraphResult<TValue>.Failed(ParseError(status, body), status, elapsed, usage);
        }
    }

    /// <summary>Reads Meta's error body; an unreadable one still yields the HTTP status.</summary>
    public static GraphError ParseError(int httpStatus, string body)
    {
        try
        {
            var error = JsonSerializer.Deserialize<GraphErrorEnvelope>(body)?.Error;
            if (error is not null)
            {
                return new GraphError(httpStatus, error.Code, error.ErrorSubcode, error.Message ?? "", error.Type, error.ErrorUserTitle,
                    error.ErrorUserMsg, error.FbtraceId, error.IsTransient);
            }
        }
        catch (JsonException)
        {
            // Not Meta's JSON (a proxy's HTML page, say).
        }

        return new GraphError(httpStatus, null, null, $"HTTP {httpStatus} without a Graph error body");
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}

/// <summary>Parses Meta's rate-limit usage headers.</summary>
public static class GraphUsageHeaders
{
    public static GraphUsage Parse(HttpResponseHeaders headers)
    {
        int? app = null, business = null;
        TimeSpan? regain = null;
        if (headers.TryGetValues("X-App-Usage", out var appValues))
        {
            app = ReadInt(Parse(appValues.First()), "call_count");
        }

        if (headers.TryGetValues("X-Business-Use-Case-Usage", out var bucValues) && Parse(bucValues.First()) is { ValueKind: JsonValueKind.Object } buc)
        {
            foreach (var account in buc.EnumerateObject())
            {
                if (account.Value.ValueKind != JsonValueKind.Array) continue;
                foreach (var entry in account.Value.EnumerateArray())
                {
                    business = Max(business, ReadInt(entry, "call_count"));
                    if (ReadInt(entry, "estimated_time_to_regain_access") is { } minutes and > 0)
                    {
                        var wait = TimeSpan.FromMinutes(minutes);
                        regain = regain is null || wait > regain ? wait : regain;
                    }
                }
            }
        }

        return app is null && business is null && regain is null ? GraphUsage.None : new GraphUsage(app, business, regain);
    }

    private static JsonElement? Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int? ReadInt(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : null;

    private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
