using PostingConsole.Data;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// The persona can publish (active: not waiting for a new token, suspended or paused), else the post is held with it and
/// nothing is sent (<see cref="PostingRules.PersonaUnusable"/>); its token is unprotected for the run.
/// </summary>
public sealed class PersonaStep(RunOutcomes outcomes, TokenProtector tokens) : IPublishStep
{
    public string Name => "persona";

    public bool AppliesTo(PublishRun run) => true;

    public async Task<StepResult> RunAsync(PublishRun run)
    {
        if (!run.Persona.CanPublish)
        {
            await outcomes.CarryOutAsync(run, PostingRules.PersonaUnusable(run.Persona.Status), $"Persona status: {run.Persona.Status}", recordError: false);
            return StepResult.Stop;
        }

        run.Token = tokens.Unprotect(run.Persona.ProtectedToken);
        return StepResult.Continue;
    }
}
