using System.Diagnostics;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing.Pipeline;

/// <summary>How a wait for a container ended.</summary>
public enum WaitOutcome
{
    /// <summary>FINISHED: the container can be published (or used as a carousel child).</summary>
    Finished,
    /// <summary>The post's own container is PUBLISHED already: its media is to be found (<see cref="PublishedMediaFinder"/>).</summary>
    Published,
    /// <summary>A decision was carried out (an error, the wait limit, a throttle circuit): the run ends.</summary>
    Stopped,
}

/// <summary>
/// Polls a container that Meta is still processing (a video, or one media_publish found not ready) at most once a
/// <c>Graph:ContainerPollInterval</c> and up to <c>Graph:ContainerWaitLimit</c>, until it is FINISHED or a decision is taken.
/// Waits run on <see cref="GraphClock"/>.
/// </summary>
public sealed class ContainerWaiter(PublishCalls calls, RunOutcomes outcomes, GraphClock graphClock, IOptions<GraphOptions> graphOptions)
{
    /// <param name="item">The carousel child the container is for; null for the post's own.</param>
    public async Task<WaitOutcome> WaitAsync(PublishRun run, string containerId, PostItem? item = null)
    {
        var settings = graphOptions.Value;
        // One wait per container and run: Meta answering 9007 again after FINISHED does not restart it (no endless loop).
        if (!run.Waits.TryGetValue(containerId, out var waited)) run.Waits[containerId] = waited = Stopwatch.StartNew();
        while (true)
        {
            await Task.Delay(settings.ContainerPollInterval, graphClock.Time, run.CancellationToken);
            var status = await calls.CallAsync(run, PublishSteps.ContainerStatus,
                () => calls.Graph.GetContainerStatusAsync(containerId, run.Token, run.CancellationToken), s => Describe(run, s, item));
            if (status is null) return WaitOutcome.Stopped;
            if (!status.Succeeded)
            {
                var kind = GraphErrorClassifier.Classify(status.Error).Kind;
                if (kind is not (GraphErrorKind.ServerTrouble or GraphErrorKind.NoAnswer) || waited.Elapsed > settings.ContainerWaitLimit)
                {
                    await outcomes.FailAsync(run, status.Error, status.Usage, PublishSteps.ContainerStatus, item);
                    return WaitOutcome.Stopped;
                }
            }
            else
            {
                var code = status.Value.StatusCode;
                switch (code)
                {
                    case ContainerStatus.Finished:
                        return WaitOutcome.Finished;
                    case ContainerStatus.Published when item is null:
                        return WaitOutcome.Published;
                    case ContainerStatus.Error or ContainerStatus.Expired:
                        await outcomes.FailAsync(run, GraphErrorClassifier.FromContainerStatus(code, status.Value.Status), status.Usage, PublishSteps.ContainerStatus, item);
                        return WaitOutcome.Stopped;
                }

                if (waited.Elapsed > settings.ContainerWaitLimit)
                {
                    await outcomes.FailAsync(run, new GraphError(status.HttpStatus, 9007, 2207027, "container not FINISHED within the wait limit"), status.Usage,
                        PublishSteps.ContainerStatus, item);
                    return WaitOutcome.Stopped;
                }
            }

            await calls.SaveAsync(run);
        }
    }

    /// <summary>A status read for the attempt log: "item 2/3: " for a carousel child, and an ERROR's status text ("container ERROR: …", counted by the rules).</summary>
    public static string Describe(PublishRun run, ContainerStatus status, PostItem? item) =>
        (item is null ? "" : $"item {run.Post.Items.IndexOf(item) + 1}/{run.Post.Items.Count}: ")
        + (status.StatusCode == ContainerStatus.Error ? $"container ERROR: {status.Status}" : status.StatusCode);
}
