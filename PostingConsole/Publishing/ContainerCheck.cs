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
/// Asks Meta whether a stored container went out, for an operator's edit: a container that may have been published is
/// never dropped on a guess (the edited caption would then go out as a second post).
/// </summary>
public sealed class ContainerCheck(GraphClient graph, TokenProtector tokens)
{
    public async Task<ContainerFate> ReadAsync(Persona persona, string containerId, CancellationToken cancellationToken)
    {
        var status = await graph.GetContainerStatusAsync(containerId, tokens.Unprotect(persona.ProtectedToken), cancellationToken);
        if (status.Succeeded) return status.Value!.StatusCode == ContainerStatus.Published ? ContainerFate.Published : ContainerFate.NotPublished;
        return GraphErrorClassifier.Classify(status.Error!).Kind == GraphErrorKind.ContainerLost ? ContainerFate.NotPublished : ContainerFate.Unknown;
    }
}
