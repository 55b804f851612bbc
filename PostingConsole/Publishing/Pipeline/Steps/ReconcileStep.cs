using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// A post found mid-flight (a crash, a lost claim, an answer that left the outcome unknown): what Meta did is read before
/// anything is sent again. A stored media id means live already; a PUBLISHED container, live (its media found by
/// <see cref="PublishedMediaFinder"/>); FINISHED or IN_PROGRESS, published next; ERROR, EXPIRED or none, a new container.
/// </summary>
public sealed class ReconcileStep(PublishCalls calls, RunOutcomes outcomes, PublishedMediaFinder finder) : IPublishStep
{
    public string Name => "reconcile";

    public bool AppliesTo(PublishRun run) => run.Post.Stage != PublishStage.NotStarted;

    public async Task<StepResult> RunAsync(PublishRun run)
    {
        var post = run.Post;
        if (post.Stage == PublishStage.MediaPublished && post.MediaId is not null)
        {
            // Live already (its media id was stored); only the permalink read was left.
            run.Live = new LiveMedia(post.MediaId);
            return StepResult.Continue;
        }

        if (post.ContainerId is not { } containerId)
        {
            post.ForgetContainer(run.Now);
            return StepResult.Continue;
        }

        var status = await calls.CallAsync(run, PublishSteps.Reconcile,
            () => calls.Graph.GetContainerStatusAsync(containerId, run.Token, run.CancellationToken), s => s.StatusCode);
        if (status is null) return StepResult.Stop;
        if (!status.Succeeded)
        {
            await outcomes.FailAsync(run, status.Error, status.Usage, PublishSteps.Reconcile);
            return StepResult.Stop;
        }

        switch (status.Value.StatusCode)
        {
            case ContainerStatus.Published:
                return await finder.FindAsync(run);
            case ContainerStatus.Finished or ContainerStatus.InProgress:
                post.RecordPublishRefused(run.Now);
                return StepResult.Continue;
            default:
                // ERROR or EXPIRED: it did not go out; a new container is made.
                post.ForgetContainer(run.Now);
                return StepResult.Continue;
        }
    }
}
