using System.Globalization;
using System.Text.Json;

namespace PostingConsole.Domain;

/// <summary>
/// What the console tells operators in the live log and in alerts, as a code and its arguments: stored so, and worded by each
/// screen in its viewer's language from <see cref="Texts"/> (Korean, the spec's own sentences; English). Arguments are values, not words: names, counts, Meta's own error text, and times (an
/// argument whose name ends in <c>Utc</c> holds an ISO 8601 UTC time, shown in the viewer's time zone). Every code is made by
/// one of the factory methods below, so the list of what the console can say is here.
/// </summary>
public sealed partial record Notice(string Code, IReadOnlyDictionary<string, string?> Args)
{
    private static readonly CultureInfo KoreanCulture = CultureInfo.GetCultureInfo("ko");

    /// <summary>Longest argument kept (Meta's error text can be long; the stored arguments stay within their column).</summary>
    private const int MaxArgLength = 600;

    private static Notice Of(string code, params (string Name, object? Value)[] args) =>
        new(code, args.ToDictionary(a => a.Name, a => a.Value switch
        {
            null => null,
            DateTime time => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            IFormattable value => value.ToString(null, CultureInfo.InvariantCulture),
            var value => Cut(value.ToString()),
        }));

    /// <summary>At most <see cref="MaxArgLength"/> characters, never half of an emoji (PostgreSQL refuses a lone surrogate).</summary>
    private static string? Cut(string? text)
    {
        if (text is null || text.Length <= MaxArgLength) return text;
        var end = char.IsHighSurrogate(text[MaxArgLength - 1]) ? MaxArgLength - 1 : MaxArgLength;
        return text[..end] + "…";
    }

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [System.Text.RegularExpressions.GeneratedRegex(@"\{(\w+)\}")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    private static string Minutes(TimeSpan wait) => wait.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);

    // The live log: one post's run.
    public static Notice PostStarted(string persona) => Of("post.started", ("persona", persona));
    public static Notice PersonaUnusable(string persona, PersonaStatus status) => Of("post.held.unusable", ("persona", persona), ("status", status));
    public static Notice WaitingForMeta(string persona, DateTime untilUtc) => Of("post.throttled.waiting", ("persona", persona), ("untilUtc", untilUtc));
    public static Notice CdnFallback(string persona) => Of("post.cdn-fallback", ("persona", persona));
    public static Notice Published(string? mediaId) => mediaId is null ? Of("post.published.unconfirmed") : Of("post.published", ("mediaId", mediaId));
    public static Notice TransientRetry(string persona, TimeSpan wait, int retry, int max, string detail) =>
        Of("post.retry.transient", ("persona", persona), ("minutes", Minutes(wait)), ("retry", retry), ("max", max), ("detail", detail));
    public static Notice MediaRetry(string persona) => Of("post.retry.media", ("persona", persona));
    public static Notice ContainerRetry(string persona) => Of("post.retry.container", ("persona", persona));
    public static Notice Retry(string persona, FailureReason reason) => Of("post.retry.other", ("persona", persona), ("reason", reason));
    public static Notice ThrottledRetry(string persona, TimeSpan wait, bool wholeApp) =>
        Of(wholeApp ? "post.retry.throttled-app" : "post.retry.throttled-account", ("persona", persona), ("minutes", Minutes(wait)));
    public static Notice QuotaWait(string persona) => Of("post.quota-wait", ("persona", persona));
    public static Notice ImageFailed(string persona, string detail) => Of("post.failed.image", ("persona", persona), ("detail", detail));
    public static Notice InputFailed(string persona, string detail) => Of("post.failed.input", ("persona", persona), ("detail", detail));
    public static Notice Failed(string persona, int retries, string detail) => Of("post.failed", ("persona", persona), ("max", retries), ("detail", detail));
    public static Notice FirstCommentPosted(string persona) => Of("post.first-comment.posted", ("persona", persona));
    public static Notice FirstCommentRetry(string persona, string detail) => Of("post.first-comment.retry", ("persona", persona), ("detail", detail));
    public static Notice FirstCommentFailed(string persona, string detail) => Of("post.first-comment.failed", ("persona", persona), ("detail", detail));
    public static Notice DuplicateHeld(string persona) => Of("post.held.duplicate", ("persona", persona));
    public static Notice HourlyLimit(string persona) => Of("post.hourly-limit", ("persona", persona));

    // The live log: personas, dispatch, checks.
    public static Notice AuthExpired(string persona, string detail) => Of("persona.auth-expired", ("persona", persona), ("detail", detail));
    public static Notice Suspended(string persona, string detail) => Of("persona.suspended", ("persona", persona), ("detail", detail));
    public static Notice SpamSuspected(string persona, string detail) => Of("persona.spam", ("persona", persona), ("detail", detail));
    public static Notice TokenRenewed(string persona) => Of("persona.token-renewed", ("persona", persona));
    public static Notice Paused(string persona) => Of("persona.paused", ("persona", persona));
    public static Notice Resumed(string persona) => Of("persona.resumed", ("persona", persona));
    public static Notice WindowCleared(string persona) => Of("persona.window-cleared", ("persona", persona));
    public static Notice WindowSet(string persona, TimeOnly from, TimeOnly to, string zone) =>
        Of("persona.window-set", ("persona", persona), ("from", from.ToString("HH:mm", CultureInfo.InvariantCulture)),
            ("to", to.ToString("HH:mm", CultureInfo.InvariantCulture)), ("zone", zone));
    public static Notice HeldReleased(string persona, int count) => Of("persona.held-released", ("persona", persona), ("count", count));
    public static Notice Missed(string persona, int count) => Of("persona.missed", ("persona", persona), ("count", count));
    public static Notice DispatchStopped() => Of("dispatch.stopped");
    public static Notice DispatchStarted() => Of("dispatch.started");
    public static Notice RetriesScheduled(int count) => Of("posts.retry-scheduled", ("count", count));
    public static Notice AccountsChecked(int checkedCount, int reauth, int suspended, int unanswered) =>
        Of("accounts.checked", ("checked", checkedCount), ("reauth", reauth), ("suspended", suspended), ("unanswered", unanswered));

    // Alerts.
    public static Notice AuthExpiredAlert(string persona) => Of("alert.auth-expired", ("persona", persona));
    public static Notice SuspendedAlert(string persona) => Of("alert.suspended", ("persona", persona));
    public static Notice SpamAlert(string persona) => Of("alert.spam", ("persona", persona));
    public static Notice MissedAlert(string persona, int count) => Of("alert.missed", ("persona", persona), ("count", count));
    public static Notice ImageAlert(string persona, int postId) => Of("alert.image", ("persona", persona), ("post", postId));
    public static Notice TokenExpiringAlert(string persona, DateTime expiresAtUtc) => Of("alert.token-expiring", ("persona", persona), ("expiresAtUtc", expiresAtUtc));
    public static Notice NotReadyAlert(string persona, int count) => Of("alert.not-ready", ("persona", persona), ("count", count));
    public static Notice FailedAlert(string persona, int postId, string detail) => Of("alert.failed", ("persona", persona), ("post", postId), ("detail", detail));

    /// <summary>
    /// The notice in <paramref name="culture"/>'s words (Korean unless English); <paramref name="time"/> shows a UTC time (default
    /// <c>HH:mm:ss UTC</c>). A code this version does not know is shown as the stored <paramref name="fallback"/>.
    /// </summary>
    public string Word(CultureInfo culture, Func<DateTime, string>? time = null, string? fallback = null)
    {
        var template = Texts.Find(Code, culture);
        if (template is null) return fallback ?? Code;
        // One pass: a value that itself holds "{…}" (a name, Meta's text) is never filled in again.
        return Placeholder().Replace(template, m => Args.TryGetValue(m.Groups[1].Value, out var value) ? Value(m.Groups[1].Value, value, culture, time) : m.Value);
    }

    /// <summary>The Korean wording, kept with the stored notice (webhooks, the API, and what older versions show).</summary>
    public string Korean() => Word(KoreanCulture);

    private static string Value(string name, string? value, CultureInfo culture, Func<DateTime, string>? time)
    {
        if (value is null) return "";
        if (name.EndsWith("Utc", StringComparison.Ordinal) && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var utc))
        {
            return time?.Invoke(utc) ?? utc.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        }

        // A failure reason is a word too.
        return name == "reason" && Enum.TryParse<FailureReason>(value, out var reason) ? Texts.Reason(reason, culture) : value;
    }

    /// <summary>The arguments as stored (a JSON object).</summary>
    public string ArgsJson() => JsonSerializer.Serialize(Args, Json);

    /// <summary>A stored notice, or null when the row has none (written before notices, or by hand).</summary>
    public static Notice? Read(string? code, string? args) =>
        code is null ? null : new Notice(code, args is null ? new Dictionary<string, string?>() : JsonSerializer.Deserialize<Dictionary<string, string?>>(args) ?? []);
}
