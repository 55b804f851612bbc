using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing;

/// <summary>The facts about a post the rules need, beside the error itself.</summary>
/// <param name="OnAccount">The failed call was on the account object (<c>/{ig-user-id}/…</c>), not on a container or media.</param>
/// <param name="TransientRetries">Automatic retries already used.</param>
/// <param name="HasLocalFile">The post has a local file to fall back to.</param>
/// <param name="UsesLocalFile">Meta is already fetching the local file (no CDN left to fall back from).</param>
/// <param name="PublishMayHaveGoneOut">media_publish was sent and its outcome is not known.</param>
/// <param name="ContainerErrors">Containers of this post that ended in ERROR with no subcode.</param>
/// <param name="OldestPublishIn24h">The persona's oldest publish in the moving 24 hours (for the quota's next free slot).</param>
public sealed record RuleFacts(
    bool OnAccount = false,
    int TransientRetries = 0,
    bool HasLocalFile = false,
    bool UsesLocalFile = false,
    bool PublishMayHaveGoneOut = false,
    int ContainerErrors = 0,
    DateTime? OldestPublishIn24h = null);

/// <summary>What happens to the post.</summary>
public enum PostAction
{
    /// <summary>Retrying at <see cref="PostingDecision.At"/>.</summary>
    Retry,
    /// <summary>Scheduled again at <see cref="PostingDecision.At"/>; not a failure.</summary>
    Defer,
    /// <summary>Failed: an operator decides.</summary>
    Fail,
    /// <summary>Held with its persona.</summary>
    Hold,
}

/// <summary>What happens to the persona.</summary>
public enum PersonaAction
{
    None,
    /// <summary>NeedsReauth; its waiting posts held; one alert.</summary>
    NeedsReauth,
    /// <summary>Suspended; its waiting posts held; one alert.</summary>
    Suspend,
    /// <summary>Paused until an operator resumes it (suspected spam: automatic retries are what gets accounts flagged); posts held; one alert.</summary>
    StopForSpam,
}

/// <summary>Which throttle circuit opens.</summary>
public enum CircuitScope
{
    None,
    /// <summary>No call to this account until <see cref="PostingDecision.CircuitUntil"/>, then one probe.</summary>
    Account,
    /// <summary>No Graph call at all until <see cref="PostingDecision.CircuitUntil"/>, then one probe.</summary>
    App,
}

/// <summary>A decision of <see cref="PostingRules"/>: carried out by the publisher as it stands.</summary>
public sealed record PostingDecision(
    PostAction Action,
    FailureReason Reason,
    DateTime? At = null,
    bool CountsAsRetry = false,
    bool NewContainer = false,
    bool FallBackToLocalFile = false,
    PersonaAction Persona = PersonaAction.None,
    CircuitScope Circuit = CircuitScope.None,
    DateTime? CircuitUntil = null,
    AlertKind? Alert = null)
{
    /// <summary>A Failed post is reported (post.failed) once no automatic retry is left.</summary>
    public bool ReportsFailure => Action == PostAction.Fail;
}

/// <summary>
/// The one home of graph-api.md's error table and the spec's rules, as a pure function: the classified error, the post's
/// facts, the options, Meta's usage headers and now → the decision (retry at, defer until, fail, hold the persona, fall
/// back to the local file, open a throttle circuit) and the alert to raise. The publisher and the dispatcher only carry
/// decisions out; <c>PostingRulesTests</c> checks every row as a table.
/// </summary>
public static class PostingRules
{
    /// <summary>App usage (<c>X-App-Usage</c> call_count, percent) at which the whole app is throttled.</summary>
    public const int AppBlocked = 100;

    public static PostingDecision Decide(GraphError error, GraphUsage usage, RuleFacts facts, PostingOptions options, DateTime now)
    {
        var kind = GraphErrorClassifier.Classify(error, facts.OnAccount);
        switch (kind.Kind)
        {
            case GraphErrorKind.TokenDead or GraphErrorKind.PermissionMissing:
                return new PostingDecision(PostAction.Hold, FailureReason.AuthExpired, Persona: PersonaAction.NeedsReauth, Alert: AlertKind.AuthExpired);

            case GraphErrorKind.AccountRestricted:
                return new PostingDecision(PostAction.Hold, FailureReason.AccountSuspended, Persona: PersonaAction.Suspend, Alert: AlertKind.AccountSuspended);

            case GraphErrorKind.PolicyBlock:
                return new PostingDecision(PostAction.Hold, FailureReason.Policy, Persona: PersonaAction.Suspend, Alert: AlertKind.AccountSuspended);

            case GraphErrorKind.SpamSuspected:
                // Reached only after reconciling (the post may have gone out): then the persona stops until an operator resumes it.
                return new PostingDecision(PostAction.Hold, FailureReason.Policy, Persona: PersonaAction.StopForSpam, Alert: AlertKind.SpamSuspected);

            case GraphErrorKind.Throttled:
                var (scope, until) = Circuit(error, usage, options, now);
                return new PostingDecision(PostAction.Retry, FailureReason.RateLimited, until, Circuit: scope, CircuitUntil: until);

            case GraphErrorKind.QuotaReached:
                var slot = facts.OldestPublishIn24h is { } oldest ? oldest.AddHours(24).AddMinutes(1) : now + options.RateLimitRetryDelay;
                return new PostingDecision(PostAction.Defer, FailureReason.QuotaReached, slot > now ? slot : now + options.RateLimitRetryDelay);

            case GraphErrorKind.MediaDownloadFailed when facts.HasLocalFile && !facts.UsesLocalFile:
                return new PostingDecision(PostAction.Retry, FailureReason.MediaUnreachable, now, NewContainer: true, FallBackToLocalFile: true);

            case GraphErrorKind.MediaDownloadFailed:
                return RetryOrFail(FailureReason.MediaUnreachable, facts, options, now) with { NewContainer = true };

            case GraphErrorKind.ImageInvalid:
                return new PostingDecision(PostAction.Fail, FailureReason.ImageInvalid, Alert: AlertKind.ImageNeedsRegeneration);

            case GraphErrorKind.ContainerError when facts.ContainerErrors == 0:
                // ERROR without a subcode: one new container, at once, then a media error.
                return new PostingDecision(PostAction.Retry, FailureReason.Transient, now, NewContainer: true);

            case GraphErrorKind.ContainerError:
                return new PostingDecision(PostAction.Fail, FailureReason.ImageInvalid, NewContainer: true, Alert: AlertKind.ImageNeedsRegeneration);

            case GraphErrorKind.InvalidInput or GraphErrorKind.BadParameter:
                return new PostingDecision(PostAction.Fail, FailureReason.InvalidInput, Alert: AlertKind.PostFailed);

            case GraphErrorKind.ContainerLost or GraphErrorKind.MediaNotFound:
                return RetryOrFail(FailureReason.Transient, facts, options, now) with { NewContainer = true };

            default:
                return RetryOrFail(facts.PublishMayHaveGoneOut ? FailureReason.OutcomeUnknown : kind.Reason, facts, options, now);
        }
    }

    /// <summary>The CDN did not answer the pre-fetch: the local file, served by the console, when there is one.</summary>
    public static bool UseLocalFileForUnreachableCdn(RuleFacts facts) => facts.HasLocalFile && !facts.UsesLocalFile;

    /// <summary>
    /// Which circuit a throttle opens, and until when. The account's own estimate (<c>X-Business-Use-Case-Usage</c>)
    /// opens that account's circuit; the app at its budget (<c>X-App-Usage</c> at 100 %), or code 4 ("application request
    /// limit") with no account estimate, opens the app's; other throttle codes without an estimate, the account's for
    /// <c>Posting:RateLimitRetryDelay</c>.
    /// </summary>
    public static (CircuitScope Scope, DateTime Until) Circuit(GraphError error, GraphUsage usage, PostingOptions options, DateTime now)
    {
        var wait = usage.RegainAccessIn ?? options.RateLimitRetryDelay;
        if (usage.AppCallCountPercent >= AppBlocked) return (CircuitScope.App, now + wait);
        if (usage.RegainAccessIn is not null) return (CircuitScope.Account, now + wait);
        return (error.Code == 4 ? CircuitScope.App : CircuitScope.Account, now + wait);
    }

    /// <summary>
    /// <c>Posting:ScheduleJitter</c>: the offset of a post's start from its scheduled time, for <paramref name="draw"/> in [0, 1):
    /// evenly within ± <paramref name="jitter"/>, whole seconds. Drawn once per post and stored as its due time.
    /// </summary>
    public static TimeSpan JitterOffset(TimeSpan jitter, double draw) =>
        TimeSpan.FromSeconds(Math.Round((draw * 2 - 1) * jitter.TotalSeconds));

    /// <summary>
    /// Meta's advice: slow down above about 90 % of a budget. Returns the least time between two post starts under
    /// <paramref name="usagePercent"/> (zero below 90 %): spread so the rest of the rolling hour's budget is not spent at once.
    /// </summary>
    public static TimeSpan SpacingFor(int? usagePercent) => usagePercent switch
    {
        null or < 90 => TimeSpan.Zero,
        < 95 => TimeSpan.FromSeconds(15),
        _ => TimeSpan.FromSeconds(60),
    };

    /// <summary>Transient trouble: retry after <c>TransientRetryDelay</c>, at most <c>MaxTransientRetries</c> times, then Failed.</summary>
    private static PostingDecision RetryOrFail(FailureReason reason, RuleFacts facts, PostingOptions options, DateTime now) =>
        facts.TransientRetries < options.MaxTransientRetries
            ? new PostingDecision(PostAction.Retry, reason, now + options.TransientRetryDelay, CountsAsRetry: true)
            : new PostingDecision(PostAction.Fail, reason, Alert: AlertKind.PostFailed);
}
