namespace PostingConsole.Components.Shared;

/// <summary>
/// Coalesces bursts of requests into calls of <c>callback</c> at most once per <c>minInterval</c>
/// (after Aspire's CallbackThrottler). The first request after a quiet spell runs at once; requests while
/// one is pending are absorbed by it. Time comes from the injected <see cref="TimeProvider"/>, so tests
/// drive it with a FakeTimeProvider instead of sleeping.
/// </summary>
public sealed class RefreshThrottle : IDisposable
{
    private readonly Func<Task> callback;
    private readonly TimeSpan minInterval;
    private readonly TimeProvider time;
    private readonly ITimer timer;
    private readonly Lock gate = new();
    private bool pending;
    private bool disposed;
    private long? lastRunAt;

    public RefreshThrottle(Func<Task> callback, TimeSpan minInterval, TimeProvider time)
    {
        this.callback = callback;
        this.minInterval = minInterval;
        this.time = time;
        timer = time.CreateTimer(_ => _ = RunAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Request()
    {
        TimeSpan wait;
        lock (gate)
        {
            if (pending || disposed) return;
            pending = true;
            wait = lastRunAt is { } last ? minInterval - time.GetElapsedTime(last) : TimeSpan.Zero;
            if (wait > TimeSpan.Zero)
            {
                timer.Change(wait, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        _ = RunAsync();
    }

    private Task RunAsync()
    {
        lock (gate)
        {
            // Cleared and stamped together: a request arriving from here on waits a full interval.
            pending = false;
            lastRunAt = time.GetTimestamp();
            if (disposed) return Task.CompletedTask;
        }

        return callback();
    }

    /// <summary>Cancels a pending call; later requests are ignored.</summary>
    public void Dispose()
    {
        lock (gate) disposed = true;
        timer.Dispose();
    }
}
