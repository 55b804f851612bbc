using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// A carousel's children, in order: each child's container is made (<c>is_carousel_item</c>, no caption) and stored before
/// the next, a video child read until FINISHED. A child stored by an earlier run is reused while surely unexpired, so a run
/// that stopped between the children and the parent makes only what is missing.
/// </summary>
public sealed class CarouselChildren(PublishCalls calls, RunOutcomes outcomes, ContainerWaiter waiter, MediaSourceUrls urls)
{
    /// <summary>The children's container ids, or null when a decision was taken instead.</summary>
    public async Task<List<string>?> CreateAsync(PublishRun run)
    {
        var post = run.Post;
        var ids = new List<string>();
        for (var i = 0; i < post.Items.Count; i++)
        {
            var item = post.Items[i];
            var label = $"{i + 1}/{post.Items.Count}";
            if (item.HasUsableContainer(run.Now) && !await ReusableAsync(run, item)) return null;
            if (!item.HasUsableContainer(run.Now))
            {
                if (item.ContainerId is not null) post.ForgetItemContainer(item, run.Now);
                var source = item.Source;
                var url = await urls.ChooseAsync(run, source, item);
                var request = new ContainerRequest(source.IsVideo ? ContainerRequest.Video : null, source.IsVideo ? null : url, source.IsVideo ? url : null, null,
                    IsCarouselItem: true, Fields: OptionalFields.OfItem(post, i));
                var created = await calls.CreateContainerAsync(run, PublishSteps.CarouselItem, request, label);
                if (created is null) return null;
                if (!created.Succeeded)
                {
                    await outcomes.FailAsync(run, created.Error, created.Usage, PublishSteps.CreateContainer, item);
                    return null;
                }

                post.RecordItemContainer(item, created.Value, run.Now);
                await calls.SaveAsync(run);
            }

            if (item.ContainerId is not { } containerId) throw new InvalidOperationException($"Carousel item {label} has no container after it was made.");
            if (item.IsVideo && await waiter.WaitAsync(run, containerId, item) != WaitOutcome.Finished) return null;
            ids.Add(containerId);
        }

        return ids;
    }

    /// <summary>Each child is read until FINISHED (Meta found one not ready when the carousel was asked for); false when a decision was taken.</summary>
    public async Task<bool> WaitUntilFinishedAsync(PublishRun run)
    {
        run.ChildrenWaited = true;
        foreach (var item in run.Post.Items)
        {
            if (item.ContainerId is { } containerId && await waiter.WaitAsync(run, containerId, item) != WaitOutcome.Finished) return false;
        }

        return true;
    }

    /// <summary>
    /// Meta refused a carousel (100/2207028): its children are read, and one in ERROR or EXPIRED is what the decision is about
    /// (a new child, or an image to regenerate) rather than an input error of the whole post. False when a decision was taken here.
    /// </summary>
    public async Task<bool> BlameChildAsync(PublishRun run)
    {
        foreach (var item in run.Post.Items)
        {
            if (item.ContainerId is not { } containerId) continue;
            var status = await calls.CallAsync(run, PublishSteps.ContainerStatus,
                () => calls.Graph.GetContainerStatusAsync(containerId, run.Token, run.CancellationToken), s => ContainerWaiter.Describe(run, s, item));
            if (status is null) return false;
            if (status is { Succeeded: true, Value.StatusCode: ContainerStatus.Error or ContainerStatus.Expired })
            {
                await outcomes.FailAsync(run, GraphErrorClassifier.FromContainerStatus(status.Value.StatusCode, status.Value.Status), status.Usage,
                    PublishSteps.ContainerStatus, item);
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A child stored by an earlier run is read once before it is used again: FINISHED (or still IN_PROGRESS) is reused;
    /// ERROR or EXPIRED is forgotten here (a new child is made); an unreadable one is left to the decision on the error.
    /// </summary>
    private async Task<bool> ReusableAsync(PublishRun run, PostItem item)
    {
        if (item.ContainerId is not { } containerId) return true;
        var status = await calls.CallAsync(run, PublishSteps.ContainerStatus,
            () => calls.Graph.GetContainerStatusAsync(containerId, run.Token, run.CancellationToken),
            s => $"{ContainerWaiter.Describe(run, s, item)} (stored by an earlier run)");
        if (status is null) return false;
        if (!status.Succeeded)
        {
            if (GraphErrorClassifier.Classify(status.Error).Kind == GraphErrorKind.ContainerLost)
            {
                run.Post.ForgetItemContainer(item, run.Now);
                return true;
            }

            await outcomes.FailAsync(run, status.Error, status.Usage, PublishSteps.ContainerStatus, item);
            return false;
        }

        if (status.Value.StatusCode is ContainerStatus.Error or ContainerStatus.Expired or ContainerStatus.Published) run.Post.ForgetItemContainer(item, run.Now);
        return true;
    }
}
