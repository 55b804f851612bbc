using PostingConsole.Domain;

namespace PostingConsole.Components.Shared;

/// <summary>What the screens mark on waiting posts where they stand (the queue's cards, the calendar's chips).</summary>
public static class PostMarks
{
    /// <summary>Waiting posts scheduled closer to the persona's previous one among <paramref name="posts"/> than <c>Posting:MinIntervalPerPersona</c>.</summary>
    public static HashSet<int> TooClose(IReadOnlyList<Post> posts, TimeSpan interval) => interval <= TimeSpan.Zero ? []
        : posts.Where(p => p.Status is PostStatus.Scheduled or PostStatus.Retrying).GroupBy(p => p.PersonaId)
            .SelectMany(g =>
            {
                var ordered = g.OrderBy(p => p.ScheduledAt).ToList();
                return ordered.Skip(1).Where((p, i) => p.ScheduledAt - ordered[i].ScheduledAt < interval);
            })
            .Select(p => p.Id).ToHashSet();

    /// <summary>A post the calendar and the grid can move: one that can still be edited (not InProgress, Published or Cancelled).</summary>
    public static bool Movable(Post post) => post.IsEditable;

    /// <summary>A colour of the persona's own (its id spread round the colour wheel), for a chip's edge.</summary>
    public static string PersonaColor(int personaId) => $"hsl({personaId * 137 % 360}, 65%, 42%)";
}
