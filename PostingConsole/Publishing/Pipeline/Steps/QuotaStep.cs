using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// The account's publishing quota (<c>content_publishing_limit</c>), read only when it matters (<see cref="PostingRules.QuotaReadDue"/>).
/// A full quota defers the post to its next free slot (<see cref="PostingRules.QuotaFull"/>); a read that fails on Meta's side
/// lets the run go on, since media_publish enforces the quota anyway.
/// </summary>
public sealed class QuotaStep(PublishCalls calls, RunOutcomes outcomes, IOptions<PostingOptions> options) : IPublishStep
{
    public string Name => "quota";

    public bool AppliesTo(PublishRun run) =>
        run.Live is null && PostingRules.QuotaReadDue(run.Persona.QuotaTotal, run.Persona.QuotaUsage, run.Persona.QuotaCheckedAt, run.Now,
            predictedOver: run.Readiness?.Problems.Any(p => p.Code == ReadinessCode.OverQuota) == true);

    public async Task<StepResult> RunAsync(PublishRun run)
    {
        var persona = run.Persona;
        var limit = await calls.CallAsync(run, PublishSteps.Quota,
            () => calls.Graph.GetPublishingLimitAsync(persona.IgUserId, run.Token, run.CancellationToken), l => $"quota {l.QuotaUsage}/{l.Config.QuotaTotal}");
        if (limit is null) return StepResult.Stop;
        if (!limit.Succeeded)
        {
            var decision = await outcomes.DecideAsync(run, limit.Error, limit.Usage, PublishSteps.Quota);
            if (decision.Action == PostAction.Proceed) return StepResult.Continue;
            await outcomes.CarryOutAsync(run, decision, limit.Error.ToString());
            return StepResult.Stop;
        }

        var quota = limit.Value;
        persona.RecordQuota(quota.QuotaUsage, quota.Config.QuotaTotal, run.Now);
        if (quota.Config.QuotaTotal <= 0 || quota.QuotaUsage < quota.Config.QuotaTotal) return StepResult.Continue;

        var facts = await outcomes.FactsAsync(run, GraphErrorKind.QuotaReached);
        await outcomes.CarryOutAsync(run, PostingRules.QuotaFull(facts, options.Value, run.Now),
            $"quota {quota.QuotaUsage}/{quota.Config.QuotaTotal} used (content_publishing_limit)");
        return StepResult.Stop;
    }
}
