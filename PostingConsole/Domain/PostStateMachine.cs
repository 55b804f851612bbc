using System.Collections.Frozen;

namespace PostingConsole.Domain;

/// <summary>The legal moves between post statuses. Every status change in the app goes through <see cref="Ensure"/>.</summary>
public static class PostStateMachine
{
    private static readonly FrozenDictionary<PostStatus, FrozenSet<PostStatus>> Moves =
        new Dictionary<PostStatus, FrozenSet<PostStatus>>
        {
            // Scheduled → Scheduled is a reschedule or a deferral by a limit.
            [PostStatus.Scheduled] = Set(PostStatus.Scheduled, PostStatus.InProgress, PostStatus.Held, PostStatus.Cancelled),
            // InProgress → Scheduled: deferred by a limit or quota before anything went out.
            [PostStatus.InProgress] = Set(PostStatus.Scheduled, PostStatus.Published, PostStatus.Retrying, PostStatus.Failed, PostStatus.Held),
            [PostStatus.Retrying] = Set(PostStatus.Scheduled, PostStatus.InProgress, PostStatus.Held, PostStatus.Cancelled),
            [PostStatus.Failed] = Set(PostStatus.Scheduled, PostStatus.Held, PostStatus.Cancelled),
            [PostStatus.Held] = Set(PostStatus.Scheduled, PostStatus.Cancelled),
            // Only an explicit, confirmed "post again".
            [PostStatus.Published] = Set(PostStatus.Scheduled),
            [PostStatus.Cancelled] = Set(),
        }.ToFrozenDictionary();

    /// <summary>Statuses the dispatcher may claim once they are due: those that may move to InProgress (one rule for the claim's UPDATE and <c>Post.Claim</c>).</summary>
    public static readonly PostStatus[] Claimable = [.. Moves.Where(m => m.Value.Contains(PostStatus.InProgress)).Select(m => m.Key).Order()];

    /// <summary>Statuses in which an operator may edit schedule, caption or hashtags, or publish now.</summary>
    public static readonly IReadOnlyList<PostStatus> Editable = [PostStatus.Scheduled, PostStatus.Retrying, PostStatus.Failed, PostStatus.Held];

    /// <summary>Statuses an operator may retry (one by one, or all that match): what failed, is retrying, or is held.</summary>
    public static readonly IReadOnlyList<PostStatus> Retryable = [PostStatus.Failed, PostStatus.Retrying, PostStatus.Held];

    /// <summary>What the failure screen and the failure count list: failed for good, or failed with a retry planned.</summary>
    public static readonly IReadOnlyList<PostStatus> Failing = [PostStatus.Failed, PostStatus.Retrying];

    public static bool CanMove(PostStatus from, PostStatus to) => Moves[from].Contains(to);

    public static IReadOnlySet<PostStatus> MovesFrom(PostStatus from) => Moves[from];

    public static void Ensure(PostStatus from, PostStatus to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidPostTransitionException(from, to);
        }
    }

    private static FrozenSet<PostStatus> Set(params PostStatus[] statuses) => statuses.ToFrozenSet();
}

public sealed class InvalidPostTransitionException(PostStatus from, PostStatus to)
    : InvalidOperationException($"A post cannot move from {from} to {to}.")
{
    public PostStatus From { get; } = from;
    public PostStatus To { get; } = to;
}
