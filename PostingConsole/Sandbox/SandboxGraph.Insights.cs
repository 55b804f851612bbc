using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Sandbox;

/// <summary>
/// The Sandbox's insights (docs/insights.md), from each account's <see cref="SandboxAudience"/>: a media's metrics
/// (<c>GET /{media-id}/insights</c>, and several by field expansion), an account's <c>online_followers</c>. As at Meta: a small
/// audience answers "not enough viewers" (code 10) and no online followers; a deleted media, or a Story past its 24 hours, is an
/// unknown object (100/33); <c>likes</c> on a Story and the metrics Meta retired (<c>impressions</c>, <c>plays</c>,
/// <c>video_views</c>) are refused. A media published before the Sandbox's last restart is found in the console's own records.
/// </summary>
public static partial class SandboxGraph
{
    private static readonly HashSet<string> RetiredMetrics = ["impressions", "plays", "video_views"];
    private static readonly HashSet<string> FeedOnlyMetrics = ["likes", "comments", "saved"];

    /// <summary>What the Sandbox knows of a published media: whose, when, which kind.</summary>
    private sealed record PublishedMedia(string Id, string IgUserId, DateTime PublishedAt, MediaType Type);

    private static async Task<IResult> Insights(string id, string? metric, string? period, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        if (await AccountFor(id, state, services, fresh: false) is not null)
        {
            var (fault, refused) = await AdmitAsync(http, id, state, services);
            if (refused is not null) return refused;
            if (state.TakeServerError(id, SandboxCall.Read)) return SandboxErrors.ServerError();
            if (fault == SandboxFault.NoInsightsPermission) return SandboxErrors.NoPermission();
            if (metric != "online_followers") return SandboxErrors.BadParameter($"metric[0] must be one of the following values: online_followers, reach, follower_count, …; got {metric}");
            if (period != "lifetime") return SandboxErrors.BadParameter("The online_followers metric only supports the lifetime period.");
            return OnlineFollowersAnswer(id, await AudienceAsync(id, state, services), state, services);
        }

        var media = (await FindMediaAsync([id], state, services)).GetValueOrDefault(id);
        if (media is null) return SandboxErrors.UnknownObject(id);
        var (mediaFault, refusedMedia) = await AdmitAsync(http, media.IgUserId, state, services);
        if (refusedMedia is not null) return refusedMedia;
        if (mediaFault == SandboxFault.NoInsightsPermission) return SandboxErrors.NoPermission();
        if (state.TakeServerError(media.IgUserId, SandboxCall.Read)) return SandboxErrors.ServerError();
        return MediaInsights(media, await AudienceAsync(media.IgUserId, state, services), metric ?? "", services, state, out var data) is { } refusal
            ? refusal
            : Results.Content(new JsonObject { ["data"] = data }.ToJsonString(), "application/json");
    }

    /// <summary><c>GET /?ids=…&amp;fields=insights.metric(…)</c>: every media of one account, or the whole read fails (as the first refusal).</summary>
    private static async Task<IResult> ReadInsightsOf(string[] ids, string metrics, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        var found = await FindMediaAsync(ids, state, services);
        string? account = null;
        foreach (var id in ids)
        {
            if (found.GetValueOrDefault(id) is not { } media || (account is not null && media.IgUserId != account)) return SandboxErrors.UnknownObject(id);
            account = media.IgUserId;
        }

        var (fault, refused) = await AdmitAsync(http, account!, state, services);
        if (refused is not null) return refused;
        if (state.TakeServerError(account!, SandboxCall.Read)) return SandboxErrors.ServerError();
        if (fault == SandboxFault.NoInsightsPermission) return SandboxErrors.NoPermission();
        var answer = new JsonObject();
        var audience = await AudienceAsync(account!, state, services);
        foreach (var id in ids)
        {
            if (MediaInsights(found[id], audience, metrics, services, state, out var data) is { } refusal) return refusal;
            answer[id] = new JsonObject { ["insights"] = new JsonObject { ["data"] = data }, ["id"] = id };
        }

        return Results.Content(answer.ToJsonString(), "application/json");
    }

    /// <summary>The account's audience: its own, or a small one under the <c>SmallAudience</c> fault.</summary>
    private static async Task<SandboxAudience> AudienceAsync(string igUserId, SandboxGraphState state, IServiceProvider services) =>
        (state.OverrideFor(igUserId) ?? (await AccountFor(igUserId, state, services, fresh: false))?.Fault) == SandboxFault.SmallAudience
            ? SandboxAudience.Small(igUserId)
            : state.AudienceOf(igUserId);

    private static IResult? MediaInsights(PublishedMedia media, SandboxAudience audience, string metrics, IServiceProvider services, SandboxGraphState state,
        out JsonArray data)
    {
        data = [];
        var names = metrics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) return SandboxErrors.BadParameter("The parameter metric is required.");
        if (names.FirstOrDefault(RetiredMetrics.Contains) is { } retired)
            return SandboxErrors.BadParameter($"Starting from version v22.0 and above, the {retired} metric is no longer supported. Please use views instead.");
        if (media.Type == MediaType.Stories && names.FirstOrDefault(FeedOnlyMetrics.Contains) is { } feedOnly)
            return SandboxErrors.BadParameter($"The Media Insights API does not support the {feedOnly} metric for this media product type.");

        if (audience.Followers < SandboxAudience.SmallAudience) return SandboxErrors.NotEnoughViewers();
        var speedup = services.GetRequiredService<Publishing.InsightsSchedule>().Speedup;
        var age = (state.Now - media.PublishedAt) * speedup;
        if (media.Type == MediaType.Stories && age > TimeSpan.FromHours(24)) return SandboxErrors.UnknownObject(media.Id); // its insights went with it
        var values = audience.Metrics(media.Id, media.PublishedAt, media.Type, age);
        foreach (var name in names)
        {
            int? value = name switch
            {
                "views" => values.Views,
                "reach" => values.Reach,
                "likes" => values.Likes,
                "comments" => values.Comments,
                "saved" => values.Saved,
                "shares" => values.Shares,
                "total_interactions" => values.TotalInteractions,
                _ => null,
            };
            if (value is null) return SandboxErrors.BadParameter($"metric[{Array.IndexOf(names, name)}] must be one of the following values: views, reach, likes, comments, saved, shares, total_interactions");
            data.Add(new JsonObject
            {
                ["name"] = name,
                ["period"] = "lifetime",
                ["values"] = new JsonArray(new JsonObject { ["value"] = value }),
                ["title"] = name,
                ["id"] = $"{media.Id}/insights/{name}/lifetime",
            });
        }

        return null;
    }

    private static IResult OnlineFollowersAnswer(string igUserId, SandboxAudience audience, SandboxGraphState state, IServiceProvider services) =>
        Results.Content(OnlineFollowers(igUserId, audience, state, services).ToJsonString(), "application/json");

    /// <summary><c>{"data":[online_followers]}</c>: one value per recent day, its hours keyed in <c>Insights:OnlineFollowersTimeZone</c>.</summary>
    private static JsonObject OnlineFollowers(string igUserId, SandboxAudience audience, SandboxGraphState state, IServiceProvider services)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(services.GetRequiredService<IOptions<InsightsOptions>>().Value.OnlineFollowersTimeZone);
        var values = new JsonArray();
        foreach (var (end, byHour) in audience.OnlineFollowers(state.Now, zone))
        {
            var hours = new JsonObject();
            foreach (var (hour, followers) in byHour.OrderBy(h => h.Key)) hours[hour.ToString(System.Globalization.CultureInfo.InvariantCulture)] = followers;
            values.Add(new JsonObject { ["value"] = hours, ["end_time"] = Timestamp(end) });
        }

        var data = new JsonArray(new JsonObject
        {
            ["name"] = "online_followers",
            ["period"] = "lifetime",
            ["values"] = values,
            ["title"] = "Online followers",
            ["description"] = "Total number of followers who were online during the specified range",
            ["id"] = $"{igUserId}/insights/online_followers/lifetime",
        });
        return new JsonObject { ["data"] = data };
    }

    /// <summary>
    /// <c>GET /{ig-user-id}?fields=…</c>: the account node with its edges expanded, as the daily account read asks for it
    /// (<c>content_publishing_limit{config,quota_usage}</c>, <c>insights.metric(online_followers).period(lifetime)</c>), plus
    /// <c>id</c> and <c>username</c>; any other field is refused as Meta refuses a field the node does not have.
    /// </summary>
    private static async Task<IResult> ReadAccountAsync(string igUserId, string fields, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        var (fault, refused) = await AdmitAsync(http, igUserId, state, services);
        if (refused is not null) return refused;
        if (state.TakeServerError(igUserId, SandboxCall.Read)) return SandboxErrors.ServerError();
        var answer = new JsonObject { ["id"] = igUserId };
        var fieldList = TopLevel(fields).ToList();
        if (fault == SandboxFault.NoInsightsPermission && fieldList.Any(f => f.StartsWith("insights", StringComparison.Ordinal) || f.StartsWith("media", StringComparison.Ordinal)))
            return SandboxErrors.NoPermission();
        foreach (var field in fieldList)
        {
            if (field.StartsWith("content_publishing_limit", StringComparison.Ordinal))
            {
                var usage = fault == SandboxFault.QuotaReached ? state.QuotaTotal : state.QuotaUsage(igUserId);
                answer["content_publishing_limit"] = new JsonObject
                {
                    ["data"] = new JsonArray(new JsonObject
                    {
                        ["config"] = new JsonObject { ["quota_total"] = state.QuotaTotal, ["quota_duration"] = 86400 },
                        ["quota_usage"] = usage,
                    }),
                };
            }
            else if (field == "insights.metric(online_followers).period(lifetime)")
            {
                answer["insights"] = OnlineFollowers(igUserId, await AudienceAsync(igUserId, state, services), state, services);
            }
            else if (field.StartsWith("media.limit(", StringComparison.Ordinal) && field.EndsWith(")}", StringComparison.Ordinal)
                     && field.IndexOf("){insights.metric(", StringComparison.Ordinal) is var open and > 0)
            {
                // The newest feed media, each with its insights; one Meta gives none for fails the read, as in a batch.
                if (!int.TryParse(field["media.limit(".Length..open], System.Globalization.CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > 100)
                    return SandboxErrors.BadParameter("The limit of the media edge must be between 1 and 100.");
                var metrics = field[(open + "){insights.metric(".Length)..^2];
                var audience = await AudienceAsync(igUserId, state, services);
                var items = new JsonArray();
                foreach (var media in state.MediaOf(igUserId, DateTime.MinValue).Take(limit))
                {
                    var published = new PublishedMedia(media.Id, igUserId, media.PublishedAt, TypeOf(media.Kind));
                    if (MediaInsights(published, audience, metrics, services, state, out var data) is { } refusal) return refusal;
                    items.Add(new JsonObject { ["insights"] = new JsonObject { ["data"] = data }, ["id"] = media.Id });
                }

                answer["media"] = new JsonObject { ["data"] = items };
            }
            else if (field is "id" or "username")
            {
                if (field == "username") answer["username"] = $"sandbox_{igUserId[^4..]}";
            }
            else
            {
                return SandboxErrors.BadParameter($"Tried accessing nonexisting field ({field}) on node type (IGUser)");
            }
        }

        return Results.Content(answer.ToJsonString(), "application/json");
    }

    /// <summary>The top-level fields of a <c>fields</c> list (commas inside <c>{…}</c> or <c>(…)</c> belong to a field).</summary>
    private static IEnumerable<string> TopLevel(string fields)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= fields.Length; i++)
        {
            if (i == fields.Length || (fields[i] == ',' && depth == 0))
            {
                var field = fields[start..i].Trim();
                if (field.Length > 0) yield return field;
                start = i + 1;
            }
            else if (fields[i] is '{' or '(') depth++;
            else if (fields[i] is '}' or ')') depth--;
        }
    }

    /// <summary>The media the Sandbox published, in memory or (published before its last restart) in the console's records; deleted ones are gone.</summary>
    private static async Task<Dictionary<string, PublishedMedia>> FindMediaAsync(IReadOnlyCollection<string> ids, SandboxGraphState state, IServiceProvider services)
    {
        var found = new Dictionary<string, PublishedMedia>();
        var unknown = new List<string>();
        foreach (var id in ids.Where(i => !state.IsDeleted(i)))
        {
            if (state.Media(id) is { } media) found[id] = new PublishedMedia(id, media.IgUserId, media.PublishedAt, TypeOf(media.Kind));
            else unknown.Add(id);
        }

        var contexts = services.GetService<IDbContextFactory<PostingDbContext>>();
        if (unknown.Count == 0 || contexts is null) return found;
        await using var db = await contexts.CreateDbContextAsync();
        var records = await db.Posts.AsNoTracking().Where(p => p.MediaId != null && unknown.Contains(p.MediaId) && p.PublishedAt != null)
            .Select(p => new { p.MediaId, p.PublishedAt, p.MediaType, p.Persona!.IgUserId }).ToListAsync();
        foreach (var r in records) found[r.MediaId!] = new PublishedMedia(r.MediaId!, r.IgUserId, r.PublishedAt!.Value, r.MediaType);
        return found;
    }

    private static MediaType TypeOf(SandboxMediaKind kind) => kind switch
    {
        SandboxMediaKind.Stories => MediaType.Stories,
        SandboxMediaKind.Reels => MediaType.Reels,
        SandboxMediaKind.Carousel => MediaType.Carousel,
        _ => MediaType.Image,
    };
}
