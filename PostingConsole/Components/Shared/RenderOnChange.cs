using Microsoft.AspNetCore.Components;

namespace PostingConsole.Components.Shared;

/// <summary>
/// A component rendered again only when what it shows changed (<see cref="RenderKey"/>), not every time its parent renders:
/// a live screen refreshes for every post that moves, and its unchanged parts need not be rendered, diffed and sent again.
/// </summary>
public abstract class RenderOnChange : ComponentBase
{
    private object? shown;

    /// <summary>Everything the component shows that can change (a value tuple compares by its values).</summary>
    protected abstract object RenderKey { get; }

    /// <summary>How many times the component itself rendered (tests read this; bUnit's count includes its children's renders).</summary>
    public int Renders { get; private set; }

    protected override bool ShouldRender()
    {
        var key = RenderKey;
        if (Equals(key, shown)) return false;
        shown = key;
        return true;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        Renders++;
        if (firstRender) shown = RenderKey; // the first render does not ask ShouldRender
    }
}
