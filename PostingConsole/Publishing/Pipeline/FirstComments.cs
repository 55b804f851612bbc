using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing.Pipeline;

/// <summary>
/// Posts a live post's first comment once (docs/architecture.md#first-comment), under the claim of whoever holds the post: its
/// publishing run (<see cref="Steps.FirstCommentStep"/>, right after media_publish) or the first-comment pass (<see cref="FirstCommentPass"/>,
/// a retry or a run that died). Like media_publish, <c>POST /{ig-media-id}/comments</c> has no idempotency key, so the same
/// fencing holds: the state "sending" is saved first, conditional on the claim number (a run that lost its claim never sends),
/// and a comment left "sending" (a crash, a lost answer) is looked for among the media's comments before anything is sent again.
/// The outcome is left on the post for the caller's commit; only the "sending" save is made here.
/// </summary>
public sealed class FirstComments(PublishCalls calls, ThrottleCircuits circuits, IOptions<PostingOptions> options)
{
    private enum Found
    {
        Posted,
        NotThere,
        /// <summary>The read failed or the account is behind a circuit: what Meta has is not known yet.</summary>
        Unknown,
    }

    public async Task PostAsync(PublishRun run, string mediaId)
    {
        var (post, persona, journal) = (run.Post, run.Persona, run.Journal);
        if (post.FirstComment is not { } text || !post.FirstCommentOpen) return;

        if (post.FirstCommentState == FirstCommentState.Sending && await FindAsync(run, mediaId, text) != Found.NotThere) return;

        if (circuits.BlockedUntil(persona.Id, run.Now) is { } until)
        {
            // No call into a throttle block: the pass posts it once the circuit lets calls through.
            post.PostponeFirstComment(null, until, countsAsRetry: false, run.Now);
            return;
        }

        post.RecordFirstCommentSending(run.Now);
        await calls.SaveAsync(run); // conditional on the claim: a run that lost it stops here, nothing sent

        var sent = await calls.CallAsync(run, PublishSteps.FirstComment, () => calls.Graph.PostCommentAsync(mediaId, run.Token, text, run.CancellationToken),
            id => $"comment {id}", waitBehind: false);
        if (sent is null)
        {
            post.PostponeFirstComment(null, circuits.BlockedUntil(persona.Id, run.Now) ?? run.Now, countsAsRetry: false, run.Now);
            return;
        }

        if (sent.Succeeded)
        {
            post.RecordFirstCommentPosted(sent.Value, run.Now);
            journal.Log(ActivityLevel.Success, Notice.FirstCommentPosted(persona.Name), post.Id, persona.Id);
            journal.PostChanged(post);
            return;
        }

        var decision = PostingRules.FirstCommentFailed(sent.Error, sent.Usage, post.FirstCommentRetries, reconciled: false, options.Value, run.Now);
        if (decision.Action == CommentAction.Reconcile)
        {
            // The answer was lost, or Meta had trouble mid-way: the comment may be there.
            switch (await FindAsync(run, mediaId, text))
            {
                case Found.Posted or Found.Unknown:
                    return;
            }

            decision = PostingRules.FirstCommentFailed(sent.Error, sent.Usage, post.FirstCommentRetries, reconciled: true, options.Value, run.Now);
            // Not found yet is not "never made": a slow Meta may show it later, so every next try looks again before sending.
            await CarryOutAsync(run, decision, sent.Error, mayHaveGoneOut: true);
            return;
        }

        await CarryOutAsync(run, decision, sent.Error);
    }

    private async Task CarryOutAsync(PublishRun run, CommentDecision decision, GraphError error, bool mayHaveGoneOut = false)
    {
        var (post, persona, journal) = (run.Post, run.Persona, run.Journal);
        var detail = error.ToString();
        switch (decision.Action)
        {
            case CommentAction.Later:
                if (decision.Account is { } throttle) await circuits.OpenAsync(throttle, persona, run.CancellationToken);
                post.PostponeFirstComment(detail, decision.At ?? run.Now, decision.CountsAsRetry, run.Now, mayHaveGoneOut);
                journal.Log(ActivityLevel.Warning, Notice.FirstCommentRetry(persona.Name, detail), post.Id, persona.Id);
                break;
            case CommentAction.Account:
                // Token trouble for the persona, once: NeedsReauth (or Suspended) with its waiting posts held and one alert.
                persona.RecordError(detail, run.Now);
                await PersonaIncidents.TryHandleAsync(run.Db, journal, persona, decision.Account!, detail, current: null, run.CancellationToken);
                journal.PersonaChanged(persona);
                Fail(run, detail);
                break;
            default:
                Fail(run, detail);
                break;
        }

        journal.PostChanged(post);
    }

    private static void Fail(PublishRun run, string detail)
    {
        var (post, persona, journal) = (run.Post, run.Persona, run.Journal);
        post.FailFirstComment(detail, run.Now);
        journal.Log(ActivityLevel.Error, Notice.FirstCommentFailed(persona.Name, detail), post.Id, persona.Id);
        journal.Webhook(WebhookTypes.PostFirstCommentFailed, new { postId = post.Id, personaId = persona.Id, message = detail });
    }

    private static bool Same(string? a, string b) =>
        a is not null && Normalize(a) == Normalize(b);

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    /// <summary>
    /// Looks for the comment among the media's comments: the same text, from the account itself. Found: recorded as posted.
    /// Not there: nothing went out, it may be sent. Unknown (the read failed, a circuit): tried again later, still "sending".
    /// </summary>
    private async Task<Found> FindAsync(PublishRun run, string mediaId, string text)
    {
        var post = run.Post;
        var read = await calls.CallAsync(run, PublishSteps.FirstCommentRead, () => calls.Graph.ListCommentsAsync(mediaId, run.Token, run.CancellationToken),
            comments => $"{comments.Count} comments", waitBehind: false);
        if (read is { Succeeded: true })
        {
            // The same text (as Meta may trim it or change its line ends) from the account itself.
            var own = read.Value.FirstOrDefault(c => Same(c.Text, text) && c.From?.Id == run.Persona.IgUserId);
            if (own is null) return Found.NotThere;
            post.RecordFirstCommentPosted(own.Id, run.Now);
            run.Journal.Log(ActivityLevel.Success, Notice.FirstCommentPosted(run.Persona.Name), post.Id, run.Persona.Id);
            run.Journal.PostChanged(post);
            return Found.Posted;
        }

        var retryAt = circuits.BlockedUntil(run.Persona.Id, run.Now) ?? run.Now + options.Value.TransientRetryDelay;
        if (read is null && post.FirstCommentRetries >= options.Value.MaxTransientRetries)
        {
            // Asked too often without an answer (behind circuits): given up as a failure; an operator's retry looks again first.
            Fail(run, "the media's comments could not be read to find the first comment");
            run.Journal.PostChanged(post);
            return Found.Unknown;
        }

        if (read is { Succeeded: false })
        {
            var decision = PostingRules.FirstCommentFailed(read.Error, read.Usage, post.FirstCommentRetries, reconciled: true, options.Value, run.Now);
            if (decision.Action is CommentAction.Account or CommentAction.Fail)
            {
                // The read is refused for good (a dead token, a deleted media): decided as the comment's own failure.
                await CarryOutAsync(run, decision, read.Error);
                return Found.Unknown;
            }

            if (decision.Account is { } throttle) await circuits.OpenAsync(throttle, run.Persona, run.CancellationToken);
            retryAt = decision.At ?? retryAt;
        }

        // Still "sending": whoever goes on next reads again before sending.
        post.RecheckFirstComment(read?.Error?.ToString(), retryAt, run.Now);
        run.Journal.PostChanged(post);
        return Found.Unknown;
    }
}
