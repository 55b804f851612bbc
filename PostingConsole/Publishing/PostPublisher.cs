using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing.Pipeline;
using PostingConsole.Publishing.Pipeline.Steps;

namespace PostingConsole.Publishing;

/// <summary>
/// Publishes one claimed post by running it through <see cref="Steps"/> in order, each a small class in
/// <c>Publishing/Pipeline/Steps/</c>: persona → reconcile (a post found mid-flight) → readiness (a post the check
/// found blocked goes no further) → quota → container → wait (a video) →
/// publish → permalink → first comment → published. The run's state (<see cref="PublishRun"/>) is passed along; a step either lets the next go on or
/// carries out a decision of <see cref="PostingRules"/> and ends the run. Every save is conditional on the claim number the
/// run was started with; a run that lost its claim stops before sending anything, and no call goes to an account behind a
/// throttle circuit (<see cref="PublishCalls"/>). Business times come from <see cref="TimeProvider"/>; waits for Meta from
/// <see cref="GraphClock"/>.
/// </summary>
public sealed class PostPublisher(
    IDbContextFactory<PostingDbContext> contextFactory,
    PersonaStep persona,
    ReconcileStep reconcile,
    ReadinessStep readiness,
    QuotaStep quota,
    ContainerStep container,
    ContainerWaitStep wait,
    MediaPublishStep publish,
    PermalinkStep permalink,
    FirstCommentStep firstComment,
    PublishedStep published,
    EventHub hub,
    Observability.PostingMetrics metrics,
    TimeProvider time,
    ILogger<PostPublisher> logger)
{
    /// <summary>The steps, in the order a post goes through them.</summary>
    public IReadOnlyList<IPublishStep> Steps { get; } = [persona, reconcile, readiness, quota, container, wait, publish, permalink, firstComment, published];

    public async Task RunAsync(PostClaim claim, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var post = await db.Posts.Include(p => p.Persona).FirstAsync(p => p.Id == claim.PostId, cancellationToken);
        if (post.Status != PostStatus.InProgress || post.ClaimNumber != claim.Number || post.Persona is not { } owner)
        {
            logger.ClaimLost(claim.PostId, claim.Number, "before it started");
            return;
        }

        // One span per run (a child per Graph call, from HttpClient's instrumentation), when traces are exported.
        using var span = Observability.PostingMetrics.Source.StartActivity("post.run");
        span?.SetTag("post.id", post.Id).SetTag("persona.id", owner.Id).SetTag("media_type", post.MediaType.ToString());
        var run = new PublishRun(db, post, owner, claim, new Journal(db, hub, time), cancellationToken);
        metrics.RunStarted(time.GetUtcNow().UtcDateTime - (post.NextAttemptAt ?? post.ScheduledAt));
        try
        {
            // Written with the first save; the dispatcher already announced ⚙️ when it claimed the post.
            run.Journal.Log(ActivityLevel.Info, Notice.PostStarted(owner.Name), post.Id, owner.Id);
            foreach (var step in Steps)
            {
                if (!step.AppliesTo(run)) continue;
                var result = await step.RunAsync(run);
                logger.StepDone(post.Id, step.Name, result);
                if (result == StepResult.Stop) break;
            }

            metrics.RunEnded(post);
            span?.SetTag("post.status", post.Status.ToString());
        }
        catch (DbUpdateConcurrencyException ex) when (ex.Entries.Any(e => e.Entity == post))
        {
            // The claim number (or the row version) moved on: another dispatcher owns the post; nothing of this run is written.
            logger.ClaimLost(claim.PostId, claim.Number, "at a save");
            span?.SetTag("post.status", "claim_lost");
        }
    }
}
