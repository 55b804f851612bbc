using PostingConsole.Configuration;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing;

/// <summary>What happens to a first comment whose call failed.</summary>
public enum CommentAction
{
    /// <summary>The answer was lost or Meta had trouble: the media's comments are read before anything is sent again.</summary>
    Reconcile,
    /// <summary>Tried again at <see cref="CommentDecision.At"/>.</summary>
    Later,
    /// <summary>Given up: the post stays Published; the comment shows as failed, with a retry.</summary>
    Fail,
    /// <summary>The account's trouble (<see cref="CommentDecision.Account"/>: a dead token or missing permission, a suspension), as for a post; the comment fails with it.</summary>
    Account,
}

/// <summary>A decision of <see cref="PostingRules.FirstCommentFailed"/>.</summary>
public sealed record CommentDecision(CommentAction Action, DateTime? At = null, bool CountsAsRetry = false, PostingDecision? Account = null);

/// <summary>The rules of a post's first comment (docs/architecture.md#first-comment).</summary>
public static partial class PostingRules
{
    /// <summary>
    /// What a failed first comment means. A lost answer or Meta's trouble is reconciled first (the comment may be there:
    /// <c>POST …/comments</c> has no idempotency key), then retried like a post (<c>Posting:TransientRetryDelay</c>, up to
    /// <c>Posting:MaxTransientRetries</c>). A throttle waits behind the account's circuit, not counted. A dead token, the comment
    /// permission (<c>instagram_manage_comments</c>) missing, or a restricted account is the persona's incident, decided as for a
    /// post (<see cref="Decide"/>: NeedsReauth or Suspended, one alert), and the comment fails with it. Anything Meta refuses
    /// (a deleted media, a bad parameter) fails the comment, never the post.
    /// </summary>
    /// <param name="retries">Automatic retries the comment already used.</param>
    /// <param name="reconciled">The media's comments were read after this error and the comment was not there.</param>
    public static CommentDecision FirstCommentFailed(GraphError error, GraphUsage usage, int retries, bool reconciled, PostingOptions options, DateTime now)
    {
        var kind = GraphErrorClassifier.Classify(error, onAccount: false).Kind;
        switch (kind)
        {
            case GraphErrorKind.NoAnswer or GraphErrorKind.ServerTrouble when !reconciled:
                return new CommentDecision(CommentAction.Reconcile);
            case GraphErrorKind.NoAnswer or GraphErrorKind.ServerTrouble or GraphErrorKind.Unknown when error.IsTransient != false || kind != GraphErrorKind.Unknown:
                return retries >= options.MaxTransientRetries
                    ? new CommentDecision(CommentAction.Fail)
                    : new CommentDecision(CommentAction.Later, now + options.TransientRetryDelay, CountsAsRetry: true);
            case GraphErrorKind.Throttled:
                var decision = Decide(error, usage, new RuleFacts(OnAccount: true), options, now);
                return new CommentDecision(CommentAction.Later, decision.CircuitUntil ?? decision.At ?? now + options.RateLimitRetryDelay, Account: decision);
            case GraphErrorKind.TokenDead or GraphErrorKind.PermissionMissing or GraphErrorKind.AccountRestricted or GraphErrorKind.PolicyBlock
                or GraphErrorKind.SpamSuspected:
                return new CommentDecision(CommentAction.Account, Account: Decide(error, usage, new RuleFacts(OnAccount: true), options, now));
            default:
                return new CommentDecision(CommentAction.Fail);
        }
    }
}
