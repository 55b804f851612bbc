using PostingConsole.Domain;
using PostingConsole.Notifications;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// The post becomes Published, with its media id, permalink and first comment as far as they went, and its first insights read
/// is planned. One commit with its events (✅ on every screen, <c>post.published</c>).
/// </summary>
public sealed class PublishedStep(InsightsSchedule insights) : IPublishStep
{
    public string Name => "published";

    public bool AppliesTo(PublishRun run) => run.Live is not null;

    public async Task<StepResult> RunAsync(PublishRun run)
    {
        var (post, persona, journal) = (run.Post, run.Persona, run.Journal);
        var (mediaId, permalink) = run.Live!;
        post.MarkPublished(mediaId, permalink, run.Now);
        if (mediaId is null && post.FirstCommentOpen)
        {
            // Live, but its media could not be found among the account's: there is nothing to comment under.
            post.FailFirstComment("the post's media could not be found on Instagram to comment under", run.Now);
        }

        // What it achieves is read later (docs/insights.md); a post whose media could not be found has nothing to read.
        post.PlanInsights(mediaId is null ? null : insights.FirstReadAt(post.MediaType, run.Now));
        persona.RecordPublished(run.Now);
        journal.PostChanged(post);
        journal.PersonaChanged(persona);
        journal.Log(ActivityLevel.Success, Notice.Published(mediaId), post.Id, persona.Id);
        journal.Webhook(WebhookTypes.PostPublished, new { postId = post.Id, personaId = persona.Id, mediaType = post.MediaType, mediaId, permalink });
        await journal.CommitAsync(run.CancellationToken);
        return StepResult.Continue;
    }
}
