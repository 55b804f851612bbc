using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;

namespace PostingConsole.Publishing.Pipeline;

/// <summary>
/// A PUBLISHED container's media (id and permalink), found in the account's recent media by caption and time; a story in the
/// account's live stories (<c>/stories</c>, not <c>/media</c>) by time, since it carries no caption. The post is live either
/// way: a media that cannot be found leaves it Published without an id.
/// </summary>
public sealed class PublishedMediaFinder(PublishCalls calls)
{
    /// <summary>Sets <see cref="PublishRun.Live"/>; <see cref="StepResult.Stop"/> when the account is behind a circuit (nothing read).</summary>
    public async Task<StepResult> FindAsync(PublishRun run)
    {
        var (post, persona, ct) = (run.Post, run.Persona, run.CancellationToken);
        var stories = post.MediaType == MediaType.Stories;
        var list = await calls.CallAsync(run, PublishSteps.Reconcile,
            () => stories
                ? calls.Graph.ListStoriesAsync(persona.IgUserId, run.Token, ct)
                : calls.Graph.ListRecentMediaAsync(persona.IgUserId, run.Token, post.MediaSearchSince, ct),
            items => $"{items.Count} recent {(stories ? "stories" : "media")}");
        if (list is null) return StepResult.Stop;
        var around = post.PublishRequestedAt ?? run.Now;
        // A story has no caption to match: the persona's story published closest after the publish was sent, not one
        // another post of the persona already owns.
        var owned = stories
            ? await run.Db.Posts.Where(p => p.PersonaId == persona.Id && p.Id != post.Id && p.MediaId != null && p.MediaType == MediaType.Stories
                                            && p.PublishedAt > post.MediaSearchSince).Select(p => p.MediaId!).ToListAsync(ct)
            : [];
        var found = list.Value?
            .Where(m => stories ? Graph.GraphTime.Parse(m.Timestamp) >= around.AddMinutes(-2) && !owned.Contains(m.Id) : m.Caption == post.FinalCaption)
            .OrderBy(m => Math.Abs((Graph.GraphTime.Parse(m.Timestamp) - around).TotalSeconds))
            .FirstOrDefault();
        run.Live = new LiveMedia(found?.Id, found?.Permalink);
        return StepResult.Continue;
    }
}
