using PostingConsole.Operations;

namespace PostingConsole.Worker;

/// <summary>
/// The wake-up timer: ticks the dispatcher when a post falls due (a timer to the next due time), when an
/// operator makes one due now, and when an in-flight post finishes and frees a slot — so posts start within
/// a second of their time. Coravel's one-minute tick (<see cref="DispatchDuePosts"/>) is the safety net. With several console
/// processes on one database, a post another process changed (made due, or finished: a slot of the shared budget free) wakes it too.
/// </summary>
public sealed class DispatchLoop(Dispatcher dispatcher, DispatchSignal signal, Notifications.EventHub hub, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Configuration.PostingOptions> options, ILogger<DispatchLoop> logger) : BackgroundService
{
    private readonly int maxConcurrency = options.Value.MaxConcurrency;
    private readonly bool autoDispatch = options.Value.AutoDispatch;

    private static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(1);

    /// <summary>When a due post could not be claimed and nothing of ours is in flight to wake us (another dispatcher holds its persona).</summary>
    private static readonly TimeSpan BusyRetry = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!autoDispatch) return; // Posting:AutoDispatch false: this process serves screens and the API only.
        using var others = hub.Subscribe(evt =>
        {
            if (evt is Notifications.PostChanged { FromOtherProcess: true }) signal.Wake();
            return Task.CompletedTask;
        });
        var idlePasses = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the tick, so a wake-up that arrives during the tick is not lost.
            var woken = signal.WaitAsync(stoppingToken);
            try
            {
                var claimed = await dispatcher.TickAsync(stoppingToken);
                var next = await dispatcher.NextDueAtAsync(stoppingToken);
                var sleep = next is { } due ? due - time.GetUtcNow().UtcDateTime : MaxSleep;
                if (sleep > MaxSleep) sleep = MaxSleep;
                if (sleep <= TimeSpan.Zero)
                {
                    // Something is due already. It fell due during the pass: go again at once. It is held back by
                    // a limit or a busy persona: a finishing post wakes us, or, with none of ours in flight, a short pause.
                    idlePasses = claimed > 0 ? 0 : idlePasses + 1;
                    // Every slot taken: the next finishing post wakes us; no pass would claim anything before.
                    if (idlePasses <= 1 && dispatcher.InFlight < maxConcurrency) continue;
                    sleep = dispatcher.InFlight > 0 ? MaxSleep : BusyRetry;
                }
                else
                {
                    idlePasses = 0;
                }

                await Task.WhenAny(woken, Task.Delay(sleep, time, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.DispatchPassFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }

        await dispatcher.DisposeAsync();
    }
}
