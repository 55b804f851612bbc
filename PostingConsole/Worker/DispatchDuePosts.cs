using Coravel.Invocable;
using PostingConsole.Data;
using PostingConsole.Publishing;

namespace PostingConsole.Worker;

/// <summary>
/// Coravel's every-minute tick (the spec's cron): a heartbeat and a pass over the queue, then the permalink backfill, the first
/// comments left to post, and the fold of the hourly counts.
/// </summary>
public sealed class DispatchDuePosts(Dispatcher dispatcher, PermalinkBackfill permalinks, FirstCommentPass comments, PostCountsCompaction counts)
    : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        await dispatcher.TickAsync(CancellationToken);
        await permalinks.RunAsync(CancellationToken);
        await comments.RunAsync(CancellationToken);
        await counts.CompactAsync(CancellationToken);
    }
}
