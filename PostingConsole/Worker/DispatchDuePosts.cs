using Coravel.Invocable;
using PostingConsole.Publishing;

namespace PostingConsole.Worker;

/// <summary>Coravel's every-minute tick (the spec's cron): a heartbeat and a pass over the queue, then the permalink backfill.</summary>
public sealed class DispatchDuePosts(Dispatcher dispatcher, PermalinkBackfill permalinks) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        await dispatcher.TickAsync(CancellationToken);
        await permalinks.RunAsync(CancellationToken);
    }
}
