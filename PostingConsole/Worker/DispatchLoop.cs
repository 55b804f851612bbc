using PostingConsole.Operations;

namespace PostingConsole.Worker;

/// <summary>
/// The wake-up timer: ticks the dispatcher when a post falls due (a timer to the next due time), when an
/// operator makes one due now, and when an in-flight post finishes and frees a slot — so posts start within
/// a second of their time. Coravel's one-minute tick (<see cref="DispatchDuePosts"/>) is the safety net.
/// </summary>
public sealed class DispatchLoop(Dispatcher dispatcher, DispatchSignal signal, TimeProvider time, ILogger<DispatchLoop> logger) : BackgroundService
{
    private static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the tick, so a wake-up that arrives during the tick is not lost.
            var woken = signal.WaitAsync(stoppingToken);
            try
            {
                await dispatcher.TickAsync(stoppingToken);
                var next = await dispatcher.NextDueAtAsync(stoppingToken);
                var sleep = next is { } due ? due - time.GetUtcNow().UtcDateTime : MaxSleep;
                if (sleep > MaxSleep) sleep = MaxSleep;
                // Due already but not claimable (limits, a busy persona): wait for a slot to free up.
                if (sleep <= TimeSpan.Zero) sleep = MaxSleep;
                await Task.WhenAny(woken, Task.Delay(sleep, time, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Dispatch pass failed; trying again shortly");
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }

        await dispatcher.DisposeAsync();
    }
}
