using System.Text.Json;
using System.Text.Json.Nodes;

namespace PostingConsole.Domain;

/// <summary>
/// One outbound event of the HTTP API (docs/architecture.md#the-api) (<c>post.published</c>, <c>post.failed</c>, <c>persona.needs_reauth</c>,
/// <c>persona.suspended</c>, <c>image.needs_regeneration</c>), stored in the same transaction as the change it
/// reports (an outbox), so a restart loses nothing. <c>WebhookSender</c> POSTs <see cref="Body"/> to each receiver that wants
/// it until each has accepted it once (<see cref="DeliveredTo"/>); receivers can still deduplicate on <c>id</c> (<c>webhook-id</c>).
/// </summary>
public sealed class WebhookMessage
{
    /// <summary>As the API writes JSON: camelCase, enums by name.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public long Id { get; set; }
    public string EventId { get; set; } = Guid.NewGuid().ToString("N");
    public string Type { get; set; } = "";
    public string Body { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public DateTime? GaveUpAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>The receivers (their URLs) that accepted it: a retry goes only to the others, so no receiver gets it twice.</summary>
    public List<string> DeliveredTo { get; set; } = [];

    public static WebhookMessage Create(string type, object fields, DateTime now)
    {
        var message = new WebhookMessage { Type = type, CreatedAt = now, NextAttemptAt = now };
        message.SetBody(fields);
        return message;
    }

    /// <summary>The JSON body: <c>{"id","type","occurredAt", …fields}</c>.</summary>
    private void SetBody(object fields)
    {
        var body = new JsonObject { ["id"] = EventId, ["type"] = Type, ["occurredAt"] = CreatedAt };
        foreach (var (key, value) in JsonSerializer.SerializeToNode(fields, Json)!.AsObject()) body[key] = value?.DeepClone();
        Body = body.ToJsonString(Json);
    }
}

public static class WebhookTypes
{
    public const string PostPublished = "post.published";
    public const string PostFailed = "post.failed";
    public const string PersonaNeedsReauth = "persona.needs_reauth";
    public const string PersonaSuspended = "persona.suspended";
    public const string ImageNeedsRegeneration = "image.needs_regeneration";
    public const string PostsMissed = "posts.missed";
    public const string PostNotReady = "post.not_ready";
    public const string PersonaTokenExpiring = "persona.token_expiring";
    public const string PostInsights = "post.insights";
    public const string PostFirstCommentFailed = "post.first_comment_failed";
}
