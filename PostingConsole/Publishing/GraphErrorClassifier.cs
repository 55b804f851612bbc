using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing;

/// <summary>What the poster does about a Graph error (docs/instagram.md#error-table).</summary>
public enum GraphErrorKind
{
    /// <summary>190 (any subcode), 102: the persona needs re-authorization; hold its posts; alert once.</summary>
    TokenDead,
    /// <summary>10, 200–299: treated as a dead token (reconnect with the permission).</summary>
    PermissionMissing,
    /// <summary>25 / 2207050: persona suspended; hold its posts; alert once.</summary>
    AccountRestricted,
    /// <summary>368: blocked for policy; persona suspended; never hammer.</summary>
    PolicyBlock,
    /// <summary>4 / 2207051: suspected spam; back off for hours; the post may be live: reconcile first.</summary>
    SpamSuspected,
    /// <summary>4, 17, 32, 341, 613, 80001, 80002: throttled; defer, not a failure.</summary>
    Throttled,
    /// <summary>9 / 2207042: publishing quota reached; defer to the next free slot.</summary>
    QuotaReached,
    /// <summary>1, 2, -1/2207001, other 5xx: server trouble; retry later; on publish reconcile first.</summary>
    ServerTrouble,
    /// <summary>No answer at all (timeout, connection reset): the outcome is unknown.</summary>
    NoAnswer,
    /// <summary>-2/2207003, 9004/2207052: Meta could not download the image; retry, then fall back to the local file.</summary>
    MediaDownloadFailed,
    /// <summary>-2/2207020, -1/2207032, -1/2207053, 24/2207008: container lost or expired; make a new one.</summary>
    ContainerLost,
    /// <summary>9007/2207027: container not ready; poll, then publish the same container.</summary>
    ContainerNotReady,
    /// <summary>24/2207006: media not found; new container; if it repeats, token trouble.</summary>
    MediaNotFound,
    /// <summary>Container <c>status_code</c> ERROR whose <c>status</c> names no known subcode: one new container, then a media error.</summary>
    ContainerError,
    /// <summary>36000/2207004, 36001/2207005, 36003/2207009: the image must be regenerated.</summary>
    ImageInvalid,
    /// <summary>36004/2207010, 100/2207040, 100/2207028, video 352/2207026, 1/2207057, and optional fields 110/2207018, 10/2207081: input or media error; no retry sends anything else.</summary>
    InvalidInput,
    /// <summary>100 with another subcode: bad parameter; fail with the message.</summary>
    BadParameter,
    /// <summary>Anything else.</summary>
    Unknown,
}

/// <summary>A classified error: the kind, the post's failure reason, and whether the publish may have gone out.</summary>
public sealed record GraphErrorClass(GraphErrorKind Kind, FailureReason Reason, bool OutcomeUnknown);

/// <summary>
/// The one place Graph errors are classified. The HTTP status is not reliable (token errors come as 400,
/// throttling as 403, code 2 as 500), so the code and subcode decide; the status only breaks ties.
/// </summary>
public static class GraphErrorClassifier
{
    private static readonly HashSet<int> ThrottleCodes = [4, 17, 32, 341, 613, 80001, 80002];

    /// <summary>The <see cref="GraphError.Type"/> of an error read from a container's <c>status</c>, not from an error body.</summary>
    public const string ContainerStatusType = "ContainerStatus";

    /// <param name="onAccount">The call was on the account object (<c>/{ig-user-id}/…</c>): there 100/33 means the account cannot be loaded.</param>
    public static GraphErrorClass Classify(GraphError error, bool onAccount = false)
    {
        var kind = KindOf(error, onAccount);
        return new GraphErrorClass(kind, ReasonFor(kind), kind is GraphErrorKind.NoAnswer or GraphErrorKind.ServerTrouble or GraphErrorKind.SpamSuspected);
    }

    /// <summary>
    /// A container in <c>ERROR</c> or <c>EXPIRED</c> as an error: <c>status</c> names the subcode (<c>Error: 2207004 …</c>), which is
    /// classified as in the table; EXPIRED is a lost container.
    /// </summary>
    public static GraphError FromContainerStatus(string statusCode, string? status)
    {
        if (statusCode == ContainerStatus.Expired) return new GraphError(200, -2, 2207020, $"container EXPIRED: {status}", ContainerStatusType);
        var match = System.Text.RegularExpressions.Regex.Match(status ?? "", @"\b(22\d{5})\b");
        int? subcode = match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        return new GraphError(200, null, subcode, $"container {statusCode}: {status}", ContainerStatusType);
    }

    private static GraphErrorKind KindOf(GraphError e, bool onAccount)
    {
        if (e.NoAnswer) return GraphErrorKind.NoAnswer;

        return (e.Code, e.Subcode) switch
        {
            (190, _) or (102, _) => GraphErrorKind.TokenDead,
            (100, 33) when onAccount => GraphErrorKind.TokenDead,
            // An optional field Meta refuses for this account (docs/instagram.md#optional-fields): a collaborator it cannot load
            // (110/2207018), trial reels not offered to the account (10/2207081: under code 10, but not a missing permission).
            (_, 2207018) or (_, 2207081) => GraphErrorKind.InvalidInput,
            (10, _) => GraphErrorKind.PermissionMissing,
            ( >= 200 and <= 299, _) => GraphErrorKind.PermissionMissing,
            (25, 2207050) or (25, _) => GraphErrorKind.AccountRestricted,
            (_, 2207050) => GraphErrorKind.AccountRestricted,
            (368, _) => GraphErrorKind.PolicyBlock,
            (4, 2207051) => GraphErrorKind.SpamSuspected,
            (9, 2207042) or (_, 2207042) => GraphErrorKind.QuotaReached,
            ({ } code, _) when ThrottleCodes.Contains(code) => GraphErrorKind.Throttled,
            (-2, 2207003) or (9004, 2207052) or (_, 2207052) or (_, 2207003) => GraphErrorKind.MediaDownloadFailed,
            (-2, 2207020) or (-1, 2207032) or (-1, 2207053) or (24, 2207008) => GraphErrorKind.ContainerLost,
            (_, 2207020) or (_, 2207032) or (_, 2207053) or (_, 2207008) => GraphErrorKind.ContainerLost,
            (9007, _) or (_, 2207027) => GraphErrorKind.ContainerNotReady,
            (24, 2207006) or (_, 2207006) => GraphErrorKind.MediaNotFound,
            (36000, _) or (36001, _) or (36003, _) or (_, 2207004) or (_, 2207005) or (_, 2207009) => GraphErrorKind.ImageInvalid,
            (36004, _) or (_, 2207010) or (100, 2207040) or (100, 2207028) or (_, 2207040) or (_, 2207028) => GraphErrorKind.InvalidInput,
            (352, _) or (_, 2207026) or (_, 2207057) => GraphErrorKind.InvalidInput,
            _ when e.Type == ContainerStatusType => GraphErrorKind.ContainerError,
            (1, _) or (2, _) or (-1, _) => GraphErrorKind.ServerTrouble,
            (100, _) => GraphErrorKind.BadParameter,
            (null, _) when e.HttpStatus >= 500 => GraphErrorKind.ServerTrouble,
            (null, _) when e.HttpStatus == 429 => GraphErrorKind.Throttled,
            (null, _) when e.HttpStatus == 401 => GraphErrorKind.TokenDead,
            _ when e.HttpStatus >= 500 || e.IsTransient == true => GraphErrorKind.ServerTrouble,
            _ => GraphErrorKind.Unknown,
        };
    }

    private static FailureReason ReasonFor(GraphErrorKind kind) => kind switch
    {
        GraphErrorKind.TokenDead or GraphErrorKind.PermissionMissing => FailureReason.AuthExpired,
        GraphErrorKind.AccountRestricted => FailureReason.AccountSuspended,
        GraphErrorKind.PolicyBlock => FailureReason.Policy,
        GraphErrorKind.SpamSuspected or GraphErrorKind.Throttled => FailureReason.RateLimited,
        GraphErrorKind.QuotaReached => FailureReason.QuotaReached,
        GraphErrorKind.ServerTrouble or GraphErrorKind.ContainerLost or GraphErrorKind.ContainerNotReady or GraphErrorKind.MediaNotFound => FailureReason.Transient,
        GraphErrorKind.NoAnswer => FailureReason.OutcomeUnknown,
        GraphErrorKind.MediaDownloadFailed => FailureReason.MediaUnreachable,
        GraphErrorKind.ImageInvalid or GraphErrorKind.ContainerError => FailureReason.ImageInvalid,
        GraphErrorKind.InvalidInput or GraphErrorKind.BadParameter => FailureReason.InvalidInput,
        _ => FailureReason.Unknown,
    };
}
