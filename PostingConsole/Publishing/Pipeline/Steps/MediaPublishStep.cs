using PostingConsole.Domain;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// <c>POST /{ig-user-id}/media_publish</c>, its answer carrying the permalink (Graph API's read-after-write). The stage "publish requested" is saved first, conditional on the claim, so a run
/// that lost its claim never sends it. An image container is usually FINISHED by then; Meta's 9007/2207027 ("not ready")
/// publishes nothing, and only then is the status polled. An answer that leaves the outcome unknown is reconciled before
/// anything is decided (<see cref="ReconcileStep"/>): never retried blindly.
/// </summary>
public sealed class MediaPublishStep(
    PublishCalls calls, RunOutcomes outcomes, ContainerWaiter waiter, ReconcileStep reconcile, PublishedMediaFinder finder, PermalinkStep permalink,
    PublishedStep completed) : IPublishStep
{
    public string Name => "publish";

    public bool AppliesTo(PublishRun run) => run.Live is null;

    public async Task<StepResult> RunAsync(PublishRun run)
    {
        var post = run.Post;
        while (true)
        {
            if (post.ContainerId is not { } containerId) throw new InvalidOperationException($"Post {post.Id} reached media_publish without a container.");
            // Before the stage is stored: nothing was sent.
            if (await calls.WaitIfBehindCircuitAsync(run)) return StepResult.Stop;

            // Conditional on the claim number: a run that lost its claim fails here and never sends media_publish.
            post.RecordPublishRequested(run.Now);
            await calls.SaveAsync(run);

            var published = await calls.CallAsync(run, PublishSteps.Publish,
                () => calls.Graph.PublishAsync(run.Persona.IgUserId, run.Token, containerId, run.CancellationToken), media => $"media {media.Id}");
            if (published is null) return StepResult.Stop;
            if (published.Succeeded)
            {
                // The permalink came with the answer (read-after-write): no read for it.
                run.Live = new LiveMedia(published.Value.Id, published.Value.Permalink);
                return StepResult.Continue;
            }

            var error = published.Error;
            var decision = await outcomes.DecideAsync(run, error, published.Usage, PublishSteps.Publish);
            switch (decision.Action)
            {
                case PostAction.WaitForContainer:
                    post.RecordPublishRefused(run.Now);
                    switch (await waiter.WaitAsync(run, containerId))
                    {
                        case WaitOutcome.Finished:
                            continue;
                        case WaitOutcome.Published:
                            return await finder.FindAsync(run);
                        default:
                            return StepResult.Stop;
                    }

                case PostAction.Reconcile:
                    // Asked once per answer: what is decided next about this error takes what Meta did as known.
                    run.Reconciled = true;
                    var reconciled = await reconcile.RunAsync(run);
                    var spam = GraphErrorClassifier.Classify(error, onAccount: true).Kind == GraphErrorKind.SpamSuspected;
                    if (run.Live is not null && spam)
                    {
                        // Live after all, and Meta suspects spam: the post is completed without its comment (no more activity), then the persona stops.
                        if (permalink.AppliesTo(run)) await permalink.RunAsync(run);
                        if (post.FirstCommentOpen) post.FailFirstComment("not posted: Meta suspects spam on the account (4/2207051)", run.Now);
                        await completed.RunAsync(run);
                        await outcomes.StopForSpamAsync(run, error, published.Usage);
                        return StepResult.Stop;
                    }

                    if (run.Live is not null) return StepResult.Continue;
                    if (reconciled == StepResult.Stop)
                    {
                        // Suspected spam stops the persona whatever reconciling found (not live, or not known yet).
                        if (spam) await outcomes.StopForSpamAsync(run, error, published.Usage);
                        return StepResult.Stop;
                    }

                    await outcomes.FailAsync(run, error, published.Usage, PublishSteps.Publish);
                    return StepResult.Stop;

                default:
                    // Meta answered with a refusal: nothing went out, and the decision is taken knowing that.
                    post.RecordPublishRefused(run.Now);
                    await outcomes.FailAsync(run, error, published.Usage, PublishSteps.Publish);
                    return StepResult.Stop;
            }
        }
    }
}
