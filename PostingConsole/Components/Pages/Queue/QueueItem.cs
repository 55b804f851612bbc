using Microsoft.AspNetCore.Components;
using PostingConsole.Components.Shared;
using PostingConsole.Domain;

namespace PostingConsole.Components.Pages.Queue;

/// <summary>
/// One post on the queue (a card or a list row), rendered again only when what it shows changed: the post (its
/// <see cref="Post.Version"/> moves with every change), its persona's name, the too-close mark or the relative time. The queue
/// refreshes for every post that moves; without this every tab re-rendered all 24 posts of its page for each of them.
/// </summary>
public abstract class QueueItem : ComponentBase
{
    [Inject] private TimeProvider BusinessTime { get; set; } = null!;

    [Parameter, EditorRequired] public Post Post { get; set; } = null!;

    /// <summary>Scheduled closer to the persona's previous post on the page than Posting:MinIntervalPerPersona.</summary>
    [Parameter] public bool TooClose { get; set; }

    [Parameter, EditorRequired] public QueueActions Actions { get; set; } = null!;

    /// <summary>"3분 후" / "in 3 min".</summary>
    protected string Relative { get; private set; } = "";

    private (int Id, int Version, string? Persona, bool TooClose, string Relative) shown;
    private (int Id, int Version, string? Persona, bool TooClose, string Relative) current;

    protected override void OnParametersSet()
    {
        Relative = RelativeTime.Format(Post.ScheduledAt, BusinessTime.GetUtcNow().UtcDateTime);
        current = (Post.Id, Post.Version, Post.Persona?.Name, TooClose, Relative);
    }

    protected override bool ShouldRender()
    {
        if (current == shown) return false;
        shown = current;
        return true;
    }

    /// <summary>How many times this item itself rendered (tests read this; bUnit's count includes its children's renders).</summary>
    public int Renders { get; private set; }

    protected override void OnAfterRender(bool firstRender)
    {
        Renders++;
        if (firstRender) shown = current; // the first render does not ask ShouldRender
    }
}
