using PostingConsole.Tests.Benchmarks;

namespace PostingConsole.Tests.Browser;

/// <summary>
/// <see cref="PushLatencyBenchmark"/> at a small scale in every test run (two Chromium tabs and two light circuits, three posts):
/// its correctness figures are asserted — every open screen gets every change, no circuit fails; its speed is only reported.
/// </summary>
[Collection(BrowserCollections.LiveUpdates)]
public class PushAtSmallScaleBrowserTests
{
    [Fact]
    public async Task Every_open_screen_gets_every_publish_and_no_circuit_fails()
    {
        var figures = await PushLatencyBenchmark.MeasureAsync(screens: 4, tabs: 2, posts: 3);

        figures.Missed.ShouldBe(0, string.Join("\n", figures.Lines));
        figures.CircuitErrors.ShouldBe(0, string.Join("\n", figures.Lines));
        figures.Lines.Count.ShouldBe(3); // the run, the tabs' figure and the circuits' figure
    }
}
