using Microsoft.Extensions.Time.Testing;
using PostingConsole.Components.Shared;

namespace PostingConsole.Tests.Components;

public class RefreshThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly FakeTimeProvider time = new();
    private int calls;

    private RefreshThrottle Create() => new(() => { Interlocked.Increment(ref calls); return Task.CompletedTask; }, Interval, time);

    [Fact]
    public void The_first_request_after_a_quiet_spell_runs_at_once()
    {
        using var throttle = Create();
        throttle.Request();
        calls.ShouldBe(1);

        time.Advance(TimeSpan.FromSeconds(5));
        throttle.Request();
        calls.ShouldBe(2);
    }

    [Fact]
    public void Requests_inside_the_interval_are_absorbed_by_one_later_call()
    {
        using var throttle = Create();
        throttle.Request();
        for (var i = 0; i < 10; i++) throttle.Request();
        calls.ShouldBe(1, "the rest wait for the interval");

        time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        calls.ShouldBe(1);
        time.Advance(TimeSpan.FromMilliseconds(1));
        calls.ShouldBe(2, "one call serves the ten requests");
        time.Advance(TimeSpan.FromSeconds(5));
        calls.ShouldBe(2, "nothing was left pending");
    }

    [Fact]
    public void Forty_events_over_a_second_give_a_call_every_quarter_second_and_no_more()
    {
        using var throttle = Create();
        for (var i = 0; i < 40; i++)
        {
            throttle.Request();
            time.Advance(TimeSpan.FromMilliseconds(25));
        }

        // Calls at 0, 250, 500 and 750 ms within the second; the 1000 ms call serves the last quarter's events.
        calls.ShouldBe(5);
        time.Advance(TimeSpan.FromSeconds(5));
        calls.ShouldBe(5, "nothing was left pending");
    }

    [Fact]
    public void After_disposal_a_pending_call_never_runs_and_new_requests_are_ignored()
    {
        var throttle = Create();
        throttle.Request();
        throttle.Request();
        throttle.Dispose();

        time.Advance(TimeSpan.FromSeconds(1));
        throttle.Request();
        time.Advance(TimeSpan.FromSeconds(1));
        calls.ShouldBe(1);
    }
}
