using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing;

public enum ContainerFate
{
    /// <summary>The container did not go out (FINISHED, IN_PROGRESS, ERROR, EXPIRED, or gone).</summary>
    NotPublished,
    /// <summary>The container is PUBLISHED: the post is live.</summary>
    Published,
    /// <summary>Meta could not be asked (no answer, a token error, throttling): nothing is known.</summary>
    Unknown,
}

/// <summary>
/// Asks Meta whether a post's stored container went out, for an operator's edit: a container that may have been published is
/// never dropped on a guess (the edited caption would then go out as a second post). PUBLISHED: the post is live. Any other
/// status is checked against the account's media since the publish was sent, because a publish answered with an error may
/// still have gone out: a post with the caption there leaves the question open (Unknown), none means it did not go out.
/// </summary>
public sealed class ContainerCheck(GraphClient graph, GraphCallBudget budget, TokenProtector tokens, ThrottleCircuits circuits, TimeProvider time)
{
    public async Task<ContainerFate> ReadAsync(Persona persona, Post post, CancellationToken cancellationToken)
    {
        // Behind a throttle circuit Meta is not asked at all: nothing is known, the edit waits.
        if (circuits.BlockedUntil(persona.Id, time.GetUtcNow().UtcDateTime) is not null) return ContainerFate.Unknown;
        var token = tokens.Unprotect(persona.ProtectedToken);
        var status = await budget.CallAsync(() => graph.GetContainerStatusAsync(post.ContainerId!, token, cancellationToken), cancellationToken);

        if (status.Succeeded && status.Value.StatusCode == ContainerStatus.Published) return ContainerFate.Published;
        if (!status.Succeeded && GraphErrorClassifier.Classify(status.Error).Kind != GraphErrorKind.ContainerLost) return ContainerFate.Unknown;

        var media = await budget.CallAsync(() => graph.ListRecentMediaAsync(persona.IgUserId, token, post.MediaSearchSince, cancellationToken), cancellationToken);

        if (!media.Succeeded) return ContainerFate.Unknown;
        // A post with this caption that the container does not own is not proof either way: the edit waits for an operator's look.
        return media.Value.Any(m => m.Caption == post.FinalCaption) ? ContainerFate.Unknown : ContainerFate.NotPublished;
    }
}
