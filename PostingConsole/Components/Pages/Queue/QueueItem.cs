using Microsoft.AspNetCore.Components;
using PostingConsole.Components.Shared;
using PostingConsole.Domain;

namespace PostingConsole.Components.Pages.Queue;

/// <summary>
/// One post on the queue (a card or a list row), rendered again only when what it shows changed: the post (its
/// <see cref="Post.Version"/> moves with every change), its persona's name, the too-close mark or the relative time. The queue
/// refreshes for every post that moves; without this every tab re-rendered all 24 posts of its page for each of them.
/// </summary>
public abstract class QueueItem : RenderOnChange
{
    [Inject] private TimeProvider BusinessTime { get; set; } = null!;

    [Parameter, EditorRequired] public Post Post { get; set; } = null!;

    /// <summary>Scheduled closer to the persona's previous post on the page than Posting:MinIntervalPerPersona.</summary>
    [Parameter] public bool TooClose { get; set; }

    [Parameter, EditorRequired] public QueueActions Actions { get; set; } = null!;

    /// <summary>"3분 후" / "in 3 min".</summary>
    protected string Relative { get; private set; } = "";

    /// <remarks>The readiness verdict is written beside the post (it never moves <see cref="Post.Version"/>): its time is in the key.</remarks>
    protected override object RenderKey => (Post.Id, Post.Version, Post.Persona?.Name, TooClose, Relative, Post.CurrentReadiness?.CheckedAt);

    protected override void OnParametersSet() => Relative = RelativeTime.Format(Post.ScheduledAt, BusinessTime.GetUtcNow().UtcDateTime);
}
