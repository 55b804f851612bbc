using System.Globalization;
using Microsoft.AspNetCore.Components;
using PostingConsole.Notifications;
using PostingConsole.Security;
using PostingConsole.Domain;

namespace PostingConsole.Components.Shared;

/// <summary>
/// The four things every live screen does: subscribe to the <see cref="EventHub"/> once, call back through
/// <see cref="ComponentBase.InvokeAsync(Func{Task})"/>, send exceptions to <see cref="ComponentBase.DispatchExceptionAsync"/>,
/// and dispose the subscription. Bursts are coalesced: one refresh serves many events, at most every
/// <see cref="RefreshInterval"/> (4 renders a second; the queue, whose data is shared by every tab, 10). A refresh re-queries; it never closes a dialog or
/// clears a selection, because those live in fields the refresh does not touch. Events arrive on the publisher's thread (the
/// dispatcher, another operator's screen) in the publisher's culture: the screen's callbacks run in its viewer's language.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IDisposable
{
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The coalescing window of this screen (<see cref="MinRefreshInterval"/> unless the screen's refresh is cheap).</summary>
    protected virtual TimeSpan RefreshInterval => MinRefreshInterval;

    private IDisposable? subscription;
    private RefreshThrottle? throttle;
    private volatile bool disposed;

    [Inject] protected EventHub Hub { get; set; } = null!;

    [Inject] private TimeProvider Time { get; set; } = null!;

    [Inject] private ConsoleActor ConsoleActor { get; set; } = null!;

    /// <summary>The signed-in user: what the screen shows (<see cref="Actor.Can"/>) and who its actions are done as.</summary>
    protected Actor Me { get; private set; } = new("anonymous", null, Actor.ConsoleChannel);

    public override async Task SetParametersAsync(ParameterView parameters)
    {
        parameters.SetParameterProperties(this);
        if (Me.Role is null) Me = await ConsoleActor.GetAsync();
        await base.SetParametersAsync(ParameterView.Empty);
    }

    /// <summary>How many coalesced refreshes ran (tests read this).</summary>
    public int RefreshCount { get; private set; }

    private CultureInfo culture = CultureInfo.CurrentCulture;
    private CultureInfo uiCulture = CultureInfo.CurrentUICulture;

    protected override void OnInitialized()
    {
        // The circuit's culture (the viewer's language), kept for callbacks that come from other threads.
        culture = CultureInfo.CurrentCulture;
        uiCulture = CultureInfo.CurrentUICulture;
        throttle = new RefreshThrottle(RefreshFromEventsAsync, RefreshInterval, Time);
        subscription = Hub.Subscribe(OnEventAsync);
    }

    /// <summary>Whether an event concerns this screen.</summary>
    protected virtual bool IsRelevant(PostingEvent evt) => true;

    /// <summary>Called on the renderer for every relevant event, before the coalesced refresh (e.g. to append a log line).</summary>
    protected virtual void OnEvent(PostingEvent evt) { }

    /// <summary>Re-queries what the screen shows.</summary>
    protected abstract Task RefreshAsync();

    private Task OnEventAsync(PostingEvent evt)
    {
        if (disposed || evt is WebhookQueued || !IsRelevant(evt)) return Task.CompletedTask;

        _ = InvokeAsync(() =>
        {
            if (disposed) return;
            UseViewersCulture();
            OnEvent(evt);
        });
        throttle!.Request();
        return Task.CompletedTask;
    }

    private Task RefreshFromEventsAsync() => InvokeAsync(async () =>
    {
        if (disposed) return;
        UseViewersCulture();
        try
        {
            RefreshCount++;
            await RefreshAsync();
            StateHasChanged();
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    });

    private void UseViewersCulture()
    {
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = uiCulture;
    }

    public void Dispose()
    {
        disposed = true;
        subscription?.Dispose();
        throttle?.Dispose();
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing) { }
}
