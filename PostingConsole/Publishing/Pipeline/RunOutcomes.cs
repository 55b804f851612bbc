using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing.Pipeline;

/// <summary>
/// Asks <see cref="PostingRules"/> what to do about an answer (gathering the facts it needs from the database) and carries
/// the decision out: the post's new state, the persona's incident, the throttle circuit, the log line, the alert and the
/// webhook, committed together. It decides nothing itself.
/// </summary>
public sealed class RunOutcomes(ThrottleCircuits circuits, IOptions<PostingOptions> options)
{
    /// <summary>The decision about <paramref name="error"/>, met by <paramref name="step"/> (about carousel child <paramref name="item"/>, if any).</summary>
    public async Task<PostingDecision> DecideAsync(PublishRun run, GraphError error, GraphUsage usage, string step, PostItem? item = null)
    {
        var onAccount = step is PublishSteps.Quota or PublishSteps.CreateContainer or PublishSteps.Publish;
        var kind = GraphErrorClassifier.Classify(error, onAccount).Kind;
        var facts = await FactsAsync(run, kind, item) with { OnAccount = onAccount, Step = step };
        return PostingRules.Decide(error, usage, facts, options.Value, run.Now);
    }

    /// <summary>Decides about <paramref name="error"/> and carries the decision out (for a step with no in-call branch left).</summary>
    public async Task FailAsync(PublishRun run, GraphError error, GraphUsage usage, string step, PostItem? item = null) =>
        await CarryOutAsync(run, await DecideAsync(run, error, usage, step, item), error.ToString(), item);

    /// <summary>
    /// The facts about the post the rules need, beside the error: its retries, its local file, whether media_publish may have
    /// gone out, and what only some errors need (containers that ended in ERROR, the persona's oldest publish in 24 hours).
    /// </summary>
    /// <param name="item">The carousel child the facts are about (its own local file); null for the post's own media.</param>
    public async Task<RuleFacts> FactsAsync(PublishRun run, GraphErrorKind? kind = null, PostItem? item = null)
    {
        var post = run.Post;
        var containerErrors = kind == GraphErrorKind.ContainerError
            ? await run.Db.PostAttempts.CountAsync(a => a.PostId == post.Id && a.Step == PublishSteps.ContainerStatus && a.Message!.Contains("container ERROR"),
                run.CancellationToken)
            : 0;
        DateTime? oldest = null;
        if (kind == GraphErrorKind.QuotaReached)
        {
            var dayAgo = run.Now.AddHours(-24);
            oldest = await run.Db.Posts.Where(p => p.PersonaId == post.PersonaId && p.PublishedAt > dayAgo)
                .OrderBy(p => p.PublishedAt).Select(p => p.PublishedAt).FirstOrDefaultAsync(run.CancellationToken);
        }

        return new RuleFacts(
            TransientRetries: post.TransientRetries,
            HasLocalFile: (item?.Source ?? post.Media).Path is not null,
            UsesLocalFile: (item?.Source ?? post.Media).SendsLocalFile,
            PublishMayHaveGoneOut: post.Stage == PublishStage.PublishRequested,
            ContainerErrors: containerErrors,
            OldestPublishIn24h: oldest,
            CarouselParent: post.MediaType == MediaType.Carousel && item is null,
            Reconciled: run.Reconciled,
            ContainerWaited: run.ChildrenWaited);
    }

    /// <summary>Carries <paramref name="decision"/> out and commits it with its events.</summary>
    /// <param name="detail">What happened, for the post's last error and the log (an error's text, or why nothing was sent).</param>
    /// <param name="item">The carousel child the decision is about: a new container, or the local file, is for it alone.</param>
    /// <param name="recordError">The decision is about an error of Meta's (recorded as the persona's last error).</param>
    public async Task CarryOutAsync(PublishRun run, PostingDecision decision, string detail, PostItem? item = null, bool recordError = true)
    {
        var (post, persona, journal, now) = (run.Post, run.Persona, run.Journal, run.Now);
        var settings = options.Value;
        if (recordError) persona.RecordError(detail, now);
        // Meta says the quota is spent: so does the usage the next post decides from (it reads the quota again).
        if (decision.Reason == FailureReason.QuotaReached && persona.QuotaTotal is { } quotaTotal) persona.RecordQuota(quotaTotal, quotaTotal, now);
        if (decision.NewContainer)
        {
            if (item is null) post.ForgetContainer(now);
            else post.ForgetItemContainer(item, now);
        }

        if (decision.FallBackToLocalFile) post.FallBackToLocalFile(item, now);

        await circuits.OpenAsync(decision, persona, run.CancellationToken);

        if (!await PersonaIncidents.TryHandleAsync(run.Db, journal, persona, decision, detail, post, run.CancellationToken))
        {
            switch (decision.Action)
            {
                case PostAction.Retry when decision.CountsAsRetry:
                    post.ScheduleTransientRetry(decision.Reason, detail, Due(decision), now);
                    journal.Log(ActivityLevel.Warning,
                        Notice.TransientRetry(persona.Name, settings.TransientRetryDelay, post.TransientRetries, settings.MaxTransientRetries, detail), post.Id, persona.Id);
                    break;
                case PostAction.Retry:
                    post.ScheduleRetry(decision.Reason, detail, Due(decision), now);
                    journal.Log(ActivityLevel.Warning, decision.Circuit == CircuitScope.None
                        ? RetryNotice(persona, decision.Reason)
                        : Notice.ThrottledRetry(persona.Name, Due(decision) - now, decision.Circuit == CircuitScope.App),
                        post.Id, persona.Id);
                    break;
                case PostAction.WaitBehindCircuit:
                    post.ScheduleRetry(decision.Reason, detail, Due(decision), now);
                    journal.Log(ActivityLevel.Warning, Notice.WaitingForMeta(persona.Name, Due(decision)), post.Id, persona.Id);
                    break;
                case PostAction.Defer:
                    post.Defer(Due(decision), decision.Reason, detail, now);
                    journal.Log(ActivityLevel.Warning, Notice.QuotaWait(persona.Name), post.Id, persona.Id);
                    break;
                case PostAction.Hold:
                    post.Hold(decision.Reason, detail, now);
                    journal.Log(ActivityLevel.Warning, decision.Reason == FailureReason.Duplicate
                        ? Notice.DuplicateHeld(persona.Name)
                        : Notice.PersonaUnusable(persona.Name, persona.Status), post.Id, persona.Id);
                    break;
                case PostAction.Fail:
                    post.Fail(decision.Reason, detail, now);
                    journal.Log(ActivityLevel.Error, decision.Reason switch
                    {
                        FailureReason.ImageInvalid => Notice.ImageFailed(persona.Name, detail),
                        FailureReason.InvalidInput => Notice.InputFailed(persona.Name, detail),
                        _ => Notice.Failed(persona.Name, settings.MaxTransientRetries, detail),
                    }, post.Id, persona.Id);
                    break;
                default:
                    throw new InvalidOperationException($"{decision.Action} is a step's own branch, not an outcome to carry out.");
            }

            switch (decision.Alert)
            {
                case AlertKind.ImageNeedsRegeneration:
                    await journal.RaiseAlertAsync(AlertKind.ImageNeedsRegeneration, Journal.Incidents.ImageInvalid(post.Id),
                        Notice.ImageAlert(persona.Name, post.Id), persona.Id, post.Id, run.CancellationToken);
                    break;
                case AlertKind.PostFailed:
                    await journal.RaiseAlertAsync(AlertKind.PostFailed, Journal.Incidents.PostFailed(post.Id),
                        Notice.FailedAlert(persona.Name, post.Id, detail), persona.Id, post.Id, run.CancellationToken);
                    break;
            }
        }

        if (decision.ReportsFailure)
        {
            journal.Webhook(WebhookTypes.PostFailed,
                new { postId = post.Id, personaId = persona.Id, mediaType = post.MediaType, failureReason = post.FailureReason, message = post.LastError });
        }

        journal.PostChanged(post);
        if (recordError) journal.PersonaChanged(persona);
        await journal.CommitAsync(run.CancellationToken);
    }

    /// <summary>
    /// Meta suspects spam (4/2207051) after the run reconciled: the persona stops until an operator resumes it, whatever
    /// reconciling found. A post left waiting (its outcome still unknown) is held with the persona; a live one stays Published.
    /// </summary>
    public async Task StopForSpamAsync(PublishRun run, GraphError error, GraphUsage usage)
    {
        var decision = await DecideAsync(run, error, usage, PublishSteps.Publish);
        var current = PostStateMachine.CanMove(run.Post.Status, PostStatus.Held) ? run.Post : null;
        await PersonaIncidents.TryHandleAsync(run.Db, run.Journal, run.Persona, decision, error.ToString(), current, run.CancellationToken);
        if (current is not null) run.Journal.PostChanged(run.Post);
        run.Journal.PersonaChanged(run.Persona);
        await run.Journal.CommitAsync(run.CancellationToken);
    }

    private static DateTime Due(PostingDecision decision) =>
        decision.At ?? throw new InvalidOperationException($"A {decision.Action} decision carries its time.");

    private static Notice RetryNotice(Persona persona, FailureReason reason) => reason switch
    {
        FailureReason.MediaUnreachable => Notice.MediaRetry(persona.Name),
        FailureReason.Transient => Notice.ContainerRetry(persona.Name),
        _ => Notice.Retry(persona.Name, reason),
    };
}
