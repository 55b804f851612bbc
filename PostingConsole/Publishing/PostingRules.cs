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
/// <param name="Step">The publishing step whose call met the error (<see cref="PublishSteps"/>); null outside a post's run.</param>
/// <param name="CarouselParent">The call was for a carousel's parent container (which waits for its children), not a child's.</param>
/// <param name="Reconciled">This run already asked Meta what became of the container after this error.</param>
/// <param name="ContainerWaited">This run already waited for the container this error is about.</param>
public sealed record RuleFacts(
    bool OnAccount = false,
    int TransientRetries = 0,
    bool HasLocalFile = false,
    bool UsesLocalFile = false,
    bool PublishMayHaveGoneOut = false,
    int ContainerErrors = 0,
    DateTime? OldestPublishIn24h = null,
    string? Step = null,
    bool CarouselParent = false,
    bool Reconciled = false,
    bool ContainerWaited = false);

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
    /// <summary>Nothing to carry out: the run goes on (a precaution's read failed, and Meta enforces the rule itself).</summary>
    Proceed,
    /// <summary>The container is read until FINISHED, then the call is made again (Meta: not ready yet).</summary>
    WaitForContainer,
    /// <summary>What Meta did is read first (the container's status, the account's media) before anything is sent again.</summary>
    Reconcile,
    /// <summary>Nothing was sent: the account is behind a throttle circuit; the post starts again at <see cref="PostingDecision.At"/>.</summary>
    WaitBehindCircuit,
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

/// <summary>
/// The facts about a due post the claim needs: read with the candidates, and read again by the claim's own SQL
/// (<c>ClaimQuery</c>), which mirrors <see cref="PostingRules.DecideClaim"/> for everything but the posting window.
/// </summary>
/// <param name="DueAt">The post's <c>nextAttemptAt</c>.</param>
/// <param name="CallsInFlight">Graph calls in flight in the whole database: posts in progress and side calls' slots.</param>
/// <param name="PersonaBusy">Another post of the persona is in flight.</param>
/// <param name="CircuitUntil">The account's throttle circuit is open until then.</param>
/// <param name="WindowFrom">The persona's posting window, in its own time zone (none: any hour).</param>
/// <param name="LastPublishedAt">The persona's last publish (for <c>Posting:MinIntervalPerPersona</c>).</param>
/// <param name="PublishedLastHour">The persona's publishes in the last hour, and the oldest of them.</param>
public sealed record ClaimFacts(
    DateTime DueAt,
    int CallsInFlight = 0,
    bool PersonaBusy = false,
    DateTime? CircuitUntil = null,
    TimeOnly? WindowFrom = null,
    TimeOnly? WindowTo = null,
    string TimeZone = "UTC",
    DateTime? LastPublishedAt = null,
    int PublishedLastHour = 0,
    DateTime? OldestPublishLastHour = null);

/// <summary>What the dispatcher does with a due post.</summary>
public enum ClaimAction
{
    /// <summary>Claimed: a lease and a new claim number, and its run starts.</summary>
    Claim,
    /// <summary>Not due yet.</summary>
    NotDue,
    /// <summary>Due longer ago than <c>Posting:MissedPostGrace</c>: held for an operator, never published on its own.</summary>
    Missed,
    /// <summary><c>Posting:MaxConcurrency</c> Graph calls are in flight: it waits for a free place.</summary>
    NoBudget,
    /// <summary>Another post of the persona is in flight: one at a time per persona.</summary>
    PersonaBusy,
    /// <summary>The account's throttle circuit is open: the persona's waiting posts start when it reopens (<see cref="ClaimDecision.Until"/>).</summary>
    WaitForCircuit,
    /// <summary>Outside the persona's posting hours: its waiting posts start when they open (<see cref="ClaimDecision.Until"/>).</summary>
    WaitForWindow,
    /// <summary>Too soon after the persona's last post: its waiting posts take turns, one interval apart from <see cref="ClaimDecision.Until"/>.</summary>
    Spread,
    /// <summary><c>Posting:PerPersonaHourlyLimit</c> reached: deferred to <see cref="ClaimDecision.Until"/>, when the oldest publish leaves the hour.</summary>
    HourlyLimit,
}

/// <summary>A decision of <see cref="PostingRules.DecideClaim"/>.</summary>
public sealed record ClaimDecision(ClaimAction Action, DateTime? Until = null);

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
/// The one home of the publishing rules (docs/instagram.md's error table, and the spec's limits), as pure functions from
/// facts to a decision. <see cref="Decide"/>: the classified error, the post's facts (which step met it), the options,
/// Meta's usage headers and now → what happens to the post (go on, wait for the container, reconcile, retry at, defer
/// until, fail, hold) and to the persona, which throttle circuit opens and the alert to raise; <see cref="PersonaUnusable"/>,
/// <see cref="BehindCircuit"/>, <see cref="QuotaFull"/> and <see cref="QuotaReadDue"/> are the publisher's other branches;
/// <see cref="DecideClaim"/> is the dispatcher's (missed, budget, one per persona, circuit, window, interval, hourly limit).
/// The publisher's steps and the dispatcher only carry decisions out; <c>PostingRulesTests</c> checks every row as a table,
/// and <c>ClaimRulesTests</c> holds the claim's SQL against <see cref="DecideClaim"/>.
/// </summary>
public static partial class PostingRules
{
    /// <summary>App usage (<c>X-App-Usage</c> call_count, percent) at which the whole app is throttled.</summary>
    public const int AppBlocked = 100;

    public static PostingDecision Decide(GraphError error, GraphUsage usage, RuleFacts facts, PostingOptions options, DateTime now)
    {
        var kind = GraphErrorClassifier.Classify(error, facts.OnAccount);

        // What a step does about the answer before the error table: the publisher's in-call rows.
        if (facts.Step == PublishSteps.Quota && kind.Kind is GraphErrorKind.ServerTrouble or GraphErrorKind.NoAnswer or GraphErrorKind.Unknown)
        {
            // The quota read is a precaution only: media_publish enforces the quota itself.
            return new PostingDecision(PostAction.Proceed, kind.Reason);
        }

        if (kind.Kind == GraphErrorKind.ContainerNotReady
            && (facts.Step == PublishSteps.Publish || (facts.Step == PublishSteps.CreateContainer && facts.CarouselParent && !facts.ContainerWaited)))
        {
            // 9007/2207027 publishes nothing: the container (a carousel's children) is read until FINISHED, then asked for again.
            return new PostingDecision(PostAction.WaitForContainer, FailureReason.Transient);
        }

        if (facts.Step == PublishSteps.Publish && !facts.Reconciled && (kind.OutcomeUnknown || kind.Kind == GraphErrorKind.ContainerLost))
        {
            // Never retried blindly, nor a new container made on a guess: the container says whether the post went out.
            return new PostingDecision(PostAction.Reconcile, kind.Reason);
        }

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
                return QuotaFull(facts, options, now);

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

    /// <summary>
    /// The dispatcher's rules for a due post, in the order they apply: not due, missed, the shared call budget, one post per
    /// persona, the account's throttle circuit, the persona's posting window, <c>Posting:MinIntervalPerPersona</c>,
    /// <c>Posting:PerPersonaHourlyLimit</c>. Limits defer posts; they never fail them.
    /// </summary>
    /// <param name="maxCalls"><c>Posting:MaxConcurrency</c>, or 1 while Meta's app circuit lets a single probe through.</param>
    public static ClaimDecision DecideClaim(ClaimFacts facts, PostingOptions options, int maxCalls, DateTime now)
    {
        if (facts.DueAt > now) return new ClaimDecision(ClaimAction.NotDue, facts.DueAt);
        if (facts.DueAt < now - options.MissedPostGrace) return new ClaimDecision(ClaimAction.Missed);
        if (facts.CallsInFlight >= maxCalls) return new ClaimDecision(ClaimAction.NoBudget);
        if (facts.PersonaBusy) return new ClaimDecision(ClaimAction.PersonaBusy);
        if (facts.CircuitUntil is { } reopens && reopens > now) return new ClaimDecision(ClaimAction.WaitForCircuit, reopens);
        if (PostingWindow.OpensAt(facts.WindowFrom, facts.WindowTo, facts.TimeZone, now) is { } opens) return new ClaimDecision(ClaimAction.WaitForWindow, opens);
        if (options.MinIntervalPerPersona > TimeSpan.Zero && facts.LastPublishedAt is { } last && last + options.MinIntervalPerPersona > now)
        {
            return new ClaimDecision(ClaimAction.Spread, last + options.MinIntervalPerPersona);
        }

        if (facts.PublishedLastHour >= options.PerPersonaHourlyLimit)
        {
            return new ClaimDecision(ClaimAction.HourlyLimit, (facts.OldestPublishLastHour ?? now).AddHours(1));
        }

        return new ClaimDecision(ClaimAction.Claim);
    }

    /// <summary>The persona cannot publish now (it needs a new token, is suspended or paused): the post is held with it, nothing sent.</summary>
    public static PostingDecision PersonaUnusable(PersonaStatus status) => new(PostAction.Hold, status switch
    {
        PersonaStatus.NeedsReauth => FailureReason.AuthExpired,
        PersonaStatus.Suspended => FailureReason.AccountSuspended,
        _ => FailureReason.Unknown,
    });

    /// <summary>
    /// The readiness check fetches a post's files once more within this of its time; at the minute, a media problem found
    /// earlier than that decides nothing (the file may have been fixed since), one found in it does.
    /// </summary>
    public static readonly TimeSpan ReadinessFinalLook = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A post the readiness check found blocked, for the content it has now, when it comes due: nothing is sent to Meta. Media
    /// Meta would refuse fails as Meta's own refusal would (ImageInvalid, one alert to regenerate it); an unreachable file (no
    /// local file to fall back on) fails as MediaUnreachable; a caption over Meta's limits as InvalidInput; a duplicate (under
    /// <c>Readiness:DuplicatePolicy</c> <c>Hold</c>) is held for an operator. Null for the problems other steps decide from
    /// their own facts: the persona's (its status: <see cref="PersonaUnusable"/>) and over quota (the quota is read first:
    /// <see cref="QuotaReadDue"/>, then <see cref="QuotaFull"/>).
    /// </summary>
    public static PostingDecision? NotReady(ReadinessProblem problem) => problem.Code switch
    {
        ReadinessCode.MediaNotJpeg or ReadinessCode.MediaTooLarge or ReadinessCode.AspectRatio or ReadinessCode.VideoSpec =>
            new PostingDecision(PostAction.Fail, FailureReason.ImageInvalid, Alert: AlertKind.ImageNeedsRegeneration),
        ReadinessCode.MediaUnreachable => new PostingDecision(PostAction.Fail, FailureReason.MediaUnreachable, Alert: AlertKind.PostFailed),
        ReadinessCode.CaptionRules => new PostingDecision(PostAction.Fail, FailureReason.InvalidInput, Alert: AlertKind.PostFailed),
        ReadinessCode.DuplicateImage or ReadinessCode.DuplicateCaption => new PostingDecision(PostAction.Hold, FailureReason.Duplicate),
        _ => null,
    };

    /// <summary>
    /// Meta said when the persona's token (or its data access) expires (<c>debug_token</c>, docs/readiness.md#tokens), and that
    /// time has passed: the token is dead as surely as a 190 would say, so the persona needs a new one and nothing is sent (the
    /// same decision as Meta's 190). Null while it lives, or when Meta has not said (a new token is asked about first).
    /// </summary>
    public static PostingDecision? TokenExpired(Persona persona, DateTime now) =>
        persona.TokenKnown && persona.TokenHorizon <= now
            ? new PostingDecision(PostAction.Hold, FailureReason.AuthExpired, Persona: PersonaAction.NeedsReauth, Alert: AlertKind.AuthExpired)
            : null;

    /// <summary>The account is behind a throttle circuit: nothing is sent, the post starts again when the circuit reopens.</summary>
    public static PostingDecision BehindCircuit(DateTime until) => new(PostAction.WaitBehindCircuit, FailureReason.RateLimited, until);

    /// <summary>
    /// The account's moving 24 hours are full (Meta's 2207042, or the quota read says so): deferred to the next free slot, a
    /// minute after the oldest publish of the window leaves it; not a failure.
    /// </summary>
    public static PostingDecision QuotaFull(RuleFacts facts, PostingOptions options, DateTime now)
    {
        var slot = facts.OldestPublishIn24h is { } oldest ? oldest.AddHours(24).AddMinutes(1) : now + options.RateLimitRetryDelay;
        return new PostingDecision(PostAction.Defer, FailureReason.QuotaReached, slot > now ? slot : now + options.RateLimitRetryDelay);
    }

    /// <summary>How close to the last <c>quota_total</c> read the account's own count may come before the quota is read again.</summary>
    public const int QuotaMargin = 2;

    /// <summary>
    /// The quota is read only when it matters: no read yet, the read is older than <see cref="QuotaReadAge"/>, or the account's usage
    /// (the last read, plus this console's publishes since: an over-count, as the moving 24 hours only lose publishes) is within
    /// <see cref="QuotaMargin"/> of the last <c>quota_total</c>. The account's daily read (the insights reader's, or the morning
    /// account check's) refreshes it about once a day, at no set hour: the age allows for that drift.
    /// The readiness check's capacity plan saying the post will not fit (<paramref name="predictedOver"/>) makes the read due too.
    /// </summary>
    public static bool QuotaReadDue(int? quotaTotal, int? quotaUsage, DateTime? checkedAt, DateTime now, bool predictedOver = false) =>
        predictedOver || !(quotaTotal is { } total and > 0 && checkedAt > now - QuotaReadAge && quotaUsage < total - QuotaMargin);

    /// <summary>A quota read older than this is read again before publishing.</summary>
    public static readonly TimeSpan QuotaReadAge = TimeSpan.FromHours(36);

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
