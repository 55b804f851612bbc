namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>
/// A clock that runs <see cref="Speed"/> times faster than real time, for rehearsing Meta's slow days: a 25-second Graph
/// call takes a quarter of a second. Given to the console as both business time (leases, schedules) and the
/// <see cref="PostingConsole.Publishing.GraphClock"/> (call timeouts, the Sandbox's answer time), so every duration the
/// guarantees compare is measured on the same clock, and nothing in the test sleeps for it.
/// </summary>
public sealed class AcceleratedClock(double speed) : TimeProvider
{
    private readonly DateTimeOffset start = DateTimeOffset.UtcNow;
    private readonly long origin = System.GetTimestamp();

    public double Speed { get; } = speed;

    public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks((long)(System.GetElapsedTime(origin).Ticks * Speed));

    public override long GetTimestamp() => origin + (long)((System.GetTimestamp() - origin) * Speed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : TimeSpan.FromTicks((long)(span.Ticks / Speed));
}
