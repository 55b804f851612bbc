namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>A video container this run made is read until FINISHED (<see cref="ContainerWaiter"/>) before media_publish.</summary>
public sealed class ContainerWaitStep(ContainerWaiter waiter, PublishedMediaFinder finder) : IPublishStep
{
    public string Name => "wait";

    public bool AppliesTo(PublishRun run) => run.Live is null && run.ContainerProcessing && run.Post.ContainerId is not null;

    public async Task<StepResult> RunAsync(PublishRun run) =>
        await waiter.WaitAsync(run, run.Post.ContainerId ?? "") switch
        {
            WaitOutcome.Finished => StepResult.Continue,
            WaitOutcome.Published => await finder.FindAsync(run),
            _ => StepResult.Stop,
        };
}
