namespace PostingConsole.Publishing.Pipeline;

/// <summary>What the runner does after a step.</summary>
public enum StepResult
{
    /// <summary>On to the next step.</summary>
    Continue,
    /// <summary>A decision was carried out (or the claim was lost): the run ends here.</summary>
    Stop,
}

/// <summary>
/// One named step of publishing a post (<see cref="PostPublisher.Steps"/>): it takes the run's state, makes at most the Graph
/// calls it is for, and either carries out a decision of <see cref="PostingRules"/> (and stops the run) or lets the next step
/// go on. A new step is a new class and one line in the list.
/// </summary>
public interface IPublishStep
{
    /// <summary>The step's name in logs and traces.</summary>
    string Name { get; }

    /// <summary>Whether the step has anything to do for this run (a live post skips what remains before the permalink).</summary>
    bool AppliesTo(PublishRun run);

    Task<StepResult> RunAsync(PublishRun run);
}
