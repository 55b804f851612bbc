using Coravel.Invocable;

namespace PostingConsole.Worker;

/// <summary>Coravel's every-minute tick (the spec's cron): a heartbeat and a pass over the queue.</summary>
public sealed class DispatchDuePosts(Dispatcher dispatcher) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => dispatcher.TickAsync(CancellationToken);
}
