using PostingConsole.Data;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// The persona can publish (active: not waiting for a new token, suspended or paused), else the post is held with it and
/// nothing is sent (<see cref="PostingRules.PersonaUnusable"/>); a token past the expiry Meta gave for it is dead without a
/// call (<see cref="PostingRules.TokenExpired"/>); its token is unprotected for the run.
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

        if (PostingRules.TokenExpired(run.Persona, run.Now) is { } expired)
        {
            await outcomes.CarryOutAsync(run, expired, $"Token expired at {run.Persona.TokenHorizon:yyyy-MM-dd HH:mm} UTC (debug_token); nothing was sent to Meta");
            return StepResult.Stop;
        }

        run.Token = tokens.Unprotect(run.Persona.ProtectedToken);
        return StepResult.Continue;
    }
}
