using PostingConsole.Components.Shared;
using PostingConsole.Domain;

namespace PostingConsole.Components.Pages.Calendar;

/// <summary>
/// A range's posts placed in the calendar's cells: each post's cell, the posts a cell shows (the first <c>perCell</c> in the week
/// and month; the rest counted), the too-close marks, and each cell's key (what its chips show that can change). Immutable, and
/// the same for every viewer of the range, so it is worked out once per change and shared by every open calendar on it.
/// </summary>
public sealed class CalendarPlacement
{
    private static readonly IReadOnlySet<int> None = new HashSet<int>();
    private static long generations;

    private readonly CalendarView view;
    private readonly Func<DateTime, DateTime> toLocal;
    private readonly TimeSpan minInterval;
    private readonly int perCell;
    private readonly Dictionary<int, string> cellOf = [];
    private readonly Dictionary<string, IReadOnlySet<int>> shown = [];
    private readonly Dictionary<string, List<Post>> shownPosts = [];
    private readonly Dictionary<string, int> hidden = [];
    private readonly Dictionary<string, string> keys = [];

    private CalendarPlacement(IReadOnlyList<Post> posts, CalendarView view, Func<DateTime, DateTime> toLocal, TimeSpan minInterval, int perCell)
    {
        Posts = posts;
        this.view = view;
        this.toLocal = toLocal;
        this.minInterval = minInterval;
        this.perCell = perCell;
        TooClose = PostMarks.TooClose(posts, minInterval);
        foreach (var group in posts.GroupBy(p => CalendarLayout.Cell(view, toLocal(p.ScheduledAt))))
        {
            var list = (view == CalendarView.Day ? group : group.Take(perCell)).ToList();
            foreach (var post in list) cellOf[post.Id] = group.Key;
            shownPosts[group.Key] = list;
            shown[group.Key] = list.Select(p => p.Id).ToHashSet();
            keys[group.Key] = string.Join(",", list.Select(p => $"{p.Id}:{p.Version}:{p.CurrentReadiness?.CheckedAt.Ticks}:{(TooClose.Contains(p.Id) ? 1 : 0)}"));
            var count = group.Count();
            if (view != CalendarView.Day && count > perCell) hidden[group.Key] = count - perCell;
        }
    }

    /// <summary>This placement's number in the process: what a shared patch of it is keyed by (not the placement itself, which the
    /// cache would then keep).</summary>
    public long Generation { get; } = Interlocked.Increment(ref generations);

    /// <summary>The range's posts, by time.</summary>
    public IReadOnlyList<Post> Posts { get; }

    /// <summary>Posts closer to their persona's previous post than <c>MinIntervalPerPersona</c>.</summary>
    public IReadOnlySet<int> TooClose { get; }

    public static CalendarPlacement Of(IReadOnlyList<Post> posts, CalendarView view, Func<DateTime, DateTime> toLocal, TimeSpan minInterval, int perCell) =>
        new(posts, view, toLocal, minInterval, perCell);

    /// <summary>The placement after the posts <paramref name="ids"/> changed: <paramref name="fresh"/> holds those still in the range and filter.</summary>
    public CalendarPlacement With(IReadOnlyCollection<int> ids, IEnumerable<Post> fresh)
    {
        var changed = ids.ToHashSet();
        var posts = Posts.Where(p => !changed.Contains(p.Id)).Concat(fresh).OrderBy(p => p.ScheduledAt).ThenBy(p => p.Id).ToList();
        return new CalendarPlacement(posts, view, toLocal, minInterval, perCell);
    }

    /// <summary>The cell a shown post stands in (a counted one stands in none).</summary>
    public string? CellOf(int postId) => cellOf.GetValueOrDefault(postId);

    public IReadOnlySet<int> ShownIn(string cell) => shown.GetValueOrDefault(cell) ?? None;

    public IReadOnlyList<Post> ShownPostsIn(string cell) => shownPosts.TryGetValue(cell, out var posts) ? posts : [];

    public int HiddenIn(string cell) => hidden.GetValueOrDefault(cell);

    /// <summary>What the cell's chips show that can change (ids, versions, readiness, marks): a cell whose key is the same is not rendered again.</summary>
    public string KeyOf(string cell) => keys.GetValueOrDefault(cell) ?? "";
}
