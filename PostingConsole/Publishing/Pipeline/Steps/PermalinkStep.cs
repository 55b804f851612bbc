using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// The post is live: its media id is stored first (a crash after that only reads the permalink again), then the permalinks
/// of this post and of the account's earlier posts still without one are read in one call (best effort: a failed read never
/// fails a live post, and a later run of the account, or the backfill, reads it again). The post stays InProgress, holding its
/// place in the call budget, through its first comment; <see cref="PublishedStep"/> completes it.
/// </summary>
public sealed class PermalinkStep(PublishCalls calls) : IPublishStep
{
    public string Name => "permalink";

    public bool AppliesTo(PublishRun run) => run.Live is { MediaId: not null, Permalink: null };

    public async Task<StepResult> RunAsync(PublishRun run)
    {
        var (post, mediaId) = (run.Post, run.Live!.MediaId!);
        if (post.Stage != PublishStage.MediaPublished)
        {
            post.RecordMediaId(mediaId, run.Now);
            await calls.SaveAsync(run);
        }

        run.Live = run.Live with { Permalink = await ReadPermalinksAsync(run, mediaId) };
        return StepResult.Continue;
    }

    private async Task<string?> ReadPermalinksAsync(PublishRun run, string mediaId)
    {
        var (post, persona) = (run.Post, run.Persona);
        // Not tracked: the run's own saves (conditional on its claim) never carry another post's row, which another process may change meanwhile.
        var backlog = await run.Db.Posts.AsNoTracking()
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
            // Written at once, only where no link was stored meanwhile (the backfill may have read it too).
            var now = run.Now;
            if (await run.Db.Posts.Where(p => p.Id == earlier.Id && p.Permalink == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(p => p.Permalink, link).SetProperty(p => p.UpdatedAt, now).SetProperty(p => p.Version, p => p.Version + 1),
                        run.CancellationToken) == 1)
            {
                earlier.RecordPermalink(link, now);
                run.Journal.PostChanged(earlier);
            }
        }

        return links.GetValueOrDefault(mediaId);
    }

    private Task<Graph.GraphResult<IReadOnlyDictionary<string, string>>?> ReadAsync(PublishRun run, List<string> ids) =>
        calls.CallAsync(run, PublishSteps.Permalink, () => calls.Graph.GetPermalinksAsync(ids, run.Token, run.CancellationToken),
            links => $"{links.Count} permalinks", waitBehind: false);
}
