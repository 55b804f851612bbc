using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Notifications;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// The post is live: its media id is stored first (a crash after that only reads the permalink again), then the permalinks
/// of this post and of the account's earlier posts still without one are read in one call (best effort: a failed read never
/// fails a live post, and a later run of the account, or the backfill, reads it again), and the post becomes Published. It
/// stays InProgress, holding its place in the call budget, until this last call is done. Its first insights read is planned.
/// </summary>
public sealed class PermalinkStep(PublishCalls calls, InsightsSchedule insights) : IPublishStep
{
    public string Name => "permalink";

    public bool AppliesTo(PublishRun run) => run.Live is not null;

    public async Task<StepResult> RunAsync(PublishRun run)
    {
        var (post, persona, journal) = (run.Post, run.Persona, run.Journal);
        var (mediaId, permalink) = run.Live ?? new LiveMedia(null);
        if (mediaId is not null && permalink is null)
        {
            if (post.Stage != PublishStage.MediaPublished)
            {
                post.RecordMediaId(mediaId, run.Now);
                await calls.SaveAsync(run);
            }

            permalink = await ReadPermalinksAsync(run, mediaId);
        }

        post.MarkPublished(mediaId, permalink, run.Now);
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

    private async Task<string?> ReadPermalinksAsync(PublishRun run, string mediaId)
    {
        var (post, persona) = (run.Post, run.Persona);
        var backlog = await run.Db.Posts
            .Where(p => p.PersonaId == persona.Id && p.Status == PostStatus.Published && p.MediaId != null && p.Permalink == null && p.Id != post.Id)
            .OrderByDescending(p => p.PublishedAt).Take(PermalinkBackfill.BatchSize - 1).ToListAsync(run.CancellationToken);
        List<string> ids = [mediaId, .. backlog.Select(p => p.MediaId).OfType<string>().Where(id => id != mediaId).Distinct()];
        // Behind a circuit the post is still live: no read now, the backfill reads it later.
        var read = await ReadAsync(run, ids);
        if (read is { Succeeded: false } && ids.Count > 1 && GraphErrorClassifier.Classify(read.Error).Kind == GraphErrorKind.BadParameter)
        {
            // One id of the backlog the token cannot see fails the whole read: this post's own link, alone.
            read = await ReadAsync(run, [mediaId]);
        }

        if (read is null || !read.Succeeded) return null;
        var links = read.Value;
        foreach (var earlier in backlog)
        {
            if (earlier.MediaId is not { } id || !links.TryGetValue(id, out var link)) continue;
            earlier.RecordPermalink(link, run.Now);
            run.Journal.PostChanged(earlier);
        }

        return links.GetValueOrDefault(mediaId);
    }

    private Task<Graph.GraphResult<IReadOnlyDictionary<string, string>>?> ReadAsync(PublishRun run, List<string> ids) =>
        calls.CallAsync(run, PublishSteps.Permalink, () => calls.Graph.GetPermalinksAsync(ids, run.Token, run.CancellationToken),
            links => $"{links.Count} permalinks", waitBehind: false);
}
