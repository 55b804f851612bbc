using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing;

/// <summary>What happens to the posts of a failed insights read.</summary>
public enum InsightsAction
{
    /// <summary>No more reads: Meta will never give metrics for the post (<see cref="InsightsDecision.Unavailable"/>).</summary>
    End,
    /// <summary>The batch failed for one of its media: each is read alone.</summary>
    ReadEachAlone,
    /// <summary>Read again at <see cref="InsightsDecision.At"/>.</summary>
    Later,
    /// <summary>The account's trouble: <see cref="InsightsDecision.Account"/> (a circuit, NeedsReauth), as for a post's call.</summary>
    Account,
}

/// <summary>A decision of <see cref="PostingRules.InsightsReadFailed"/>.</summary>
public sealed record InsightsDecision(InsightsAction Action, InsightsUnavailable? Unavailable = null, DateTime? At = null, PostingDecision? Account = null);

/// <summary>The rules of reading what published posts achieved (docs/insights.md#errors).</summary>
public static partial class PostingRules
{
    /// <summary>A read of insights that failed for a reason of the account's own (permission, an unknown answer) is tried again after this.</summary>
    public static readonly TimeSpan InsightsRetryLater = TimeSpan.FromMinutes(15);

    /// <summary>A token without <c>instagram_manage_insights</c>: its reads wait a day (publishing is not affected).</summary>
    public static readonly TimeSpan InsightsPermissionRetry = TimeSpan.FromDays(1);

    /// <summary>
    /// What a failed insights read means (docs/insights.md#errors). "Not enough viewers" (code 10 with that message) and a
    /// media that no longer exists (100/33) end the post's reads for good; in a batch they fail the whole read, so its media are
    /// read one by one to find which. A dead token or a throttle is the account's, decided as for a post (<see cref="Decide"/>:
    /// NeedsReauth, a circuit). The insights permission missing waits a day: publishing does not need it, so the persona is
    /// left alone. Anything else (Meta's trouble, no answer) is read again later.
    /// </summary>
    public static InsightsDecision InsightsReadFailed(GraphError error, GraphUsage usage, bool batch, PostingOptions options, DateTime now)
    {
        var unavailable = error switch
        {
            { Code: 10 } when error.Message.Contains("not enough viewers", StringComparison.OrdinalIgnoreCase) => InsightsUnavailable.NotEnoughViewers,
            { Code: 100, Subcode: 33 } => InsightsUnavailable.MediaDeleted,
            { Code: 100 } when error.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase) => InsightsUnavailable.MediaDeleted,
            _ => (InsightsUnavailable?)null,
        };
        if (unavailable is { } reason) return batch ? new InsightsDecision(InsightsAction.ReadEachAlone) : new InsightsDecision(InsightsAction.End, reason);

        switch (GraphErrorClassifier.Classify(error, onAccount: false).Kind)
        {
            case GraphErrorKind.TokenDead or GraphErrorKind.Throttled or GraphErrorKind.SpamSuspected or GraphErrorKind.AccountRestricted:
                return new InsightsDecision(InsightsAction.Account, Account: Decide(error, usage, new RuleFacts(OnAccount: true), options, now));
            case GraphErrorKind.PermissionMissing:
                return new InsightsDecision(InsightsAction.Later, At: now + InsightsPermissionRetry);
            case GraphErrorKind.BadParameter when batch:
                return new InsightsDecision(InsightsAction.ReadEachAlone);
            case GraphErrorKind.BadParameter:
                // Meta refuses this media's read for a reason of its own (a metric its kind lacks): not again within the day.
                return new InsightsDecision(InsightsAction.Later, At: now + InsightsPermissionRetry);
            default:
                return new InsightsDecision(InsightsAction.Later, At: now + InsightsRetryLater);
        }
    }
}
