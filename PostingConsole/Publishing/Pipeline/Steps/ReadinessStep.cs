using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// The readiness check's verdict at the post's minute (docs/readiness.md#at-the-minute): a post still blocked for the content it
/// has now is not sent to Meta. The decision is <see cref="PostingRules.NotReady"/>'s, and the attempt log says the check made
/// it. A verdict about an older version of the post (another image, another caption), or made for another time (the post was
/// moved), decides nothing; a media problem decides only when the files were fetched in the post's last minutes (the check's
/// final look; an older finding may have been fixed since); and neither do problems that later steps decide from fresher facts
/// (the persona's status; the quota, which the quota step then reads before publishing).
/// </summary>
public sealed class ReadinessStep(PublishCalls calls, RunOutcomes outcomes) : IPublishStep
{
    public string Name => "readiness";

    /// <summary>A post found mid-flight (a container made, or publish sent) is past the check: it is reconciled, never stopped here.</summary>
    public bool AppliesTo(PublishRun run) => run.Post.ContainerId is null && run.Post.PublishRequestedAt is null && run.Live is null;

    public async Task<StepResult> RunAsync(PublishRun run)
    {
        var verdict = await run.Db.PostReadiness.AsNoTracking().FirstOrDefaultAsync(r => r.PostId == run.Post.Id, run.CancellationToken);
        if (verdict is null || verdict.ContentKey != run.Post.ReadinessKey || verdict.DueAt != (run.Post.NextAttemptAt ?? run.Post.ScheduledAt)) return StepResult.Continue;
        run.Readiness = verdict;
        var recentMedia = verdict.MediaCheckedAt >= verdict.DueAt - PostingRules.ReadinessFinalLook;
        var acted = verdict.Problems.Where(p => p.Blocks && (recentMedia || !p.IsAboutMedia))
            .Select(p => (Problem: p, Decision: PostingRules.NotReady(p))).FirstOrDefault(x => x.Decision is not null);
        if (acted is not ({ } problem, { } decision)) return StepResult.Continue;

        var detail = $"Readiness check ({verdict.CheckedAt:yyyy-MM-dd HH:mm} UTC): {problem.Code}{(problem.Field is null ? "" : $" {problem.Field}")}"
                     + (problem.Detail is null ? "" : $" {problem.Detail}") + "; nothing was sent to Meta";
        calls.Note(run, PublishSteps.Readiness, detail);
        await outcomes.CarryOutAsync(run, decision, detail, recordError: false);
        return StepResult.Stop;
    }
}
