using System.Collections.Immutable;

namespace PostingConsole.Notifications;

/// <summary>
/// The event aggregator: a singleton that fans each event out to every subscriber (every open circuit,
/// the webhook sender). Publish after the change is committed. A failing subscriber never stops the others.
/// </summary>
public sealed partial class EventHub(ILogger<EventHub> logger)
{
    private ImmutableArray<Func<PostingEvent, Task>> subscribers = [];

    public int SubscriberCount => subscribers.Length;

    private long published;

    /// <summary>How many events were published so far (counted before they are delivered): the version of what screens show.</summary>
    public long Published => Interlocked.Read(ref published);

    /// <summary>Adds a handler; dispose the result to remove it.</summary>
    public IDisposable Subscribe(Func<PostingEvent, Task> handler)
    {
        ImmutableInterlocked.Update(ref subscribers, s => s.Add(handler));
        return new Subscription(this, handler);
    }

    public void Publish(PostingEvent evt)
    {
        Interlocked.Increment(ref published);
        foreach (var handler in subscribers)
        {
            _ = Deliver(handler, evt);
        }
    }

    public void Publish(IEnumerable<PostingEvent> events)
    {
        foreach (var evt in events) Publish(evt);
    }

    private async Task Deliver(Func<PostingEvent, Task> handler, PostingEvent evt)
    {
        try
        {
            await handler(evt);
        }
        catch (Exception ex)
        {
            LogSubscriberFailed(logger, ex, evt.GetType().Name);
        }
    }

    private sealed class Subscription(EventHub hub, Func<PostingEvent, Task> handler) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                ImmutableInterlocked.Update(ref hub.subscribers, s => s.Remove(handler));
            }
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "An event subscriber failed on {EventType}")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception, string eventType);
}
