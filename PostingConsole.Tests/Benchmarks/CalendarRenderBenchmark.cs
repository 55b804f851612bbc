using System.Diagnostics;
using System.Globalization;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;
using Xunit.Abstractions;

namespace PostingConsole.Tests.Benchmarks;

/// <summary>Issue 27's figure: a week of 100 personas (2,000 posts) on the calendar, its first view rendered server-side.</summary>
[Collection(BenchmarkReport.Collection)]
public class CalendarRenderBenchmark(ITestOutputHelper output)
{
    [BenchmarkFact]
    [Trait("Category", "Benchmark")]
    public async Task A_week_of_100_personas_2000_posts_on_the_calendar()
    {
        var (lines, _) = await MeasureAsync(postsPerPersona: 20);
        foreach (var line in lines) output.WriteLine(line);
        BenchmarkReport.Write("calendar-render", lines);
    }

    /// <summary>The same measurement at a small scale in every test run: each timed render placed the week's chips (no speed is asserted).</summary>
    [Fact]
    public async Task The_timed_renders_place_the_week_s_chips_at_a_small_scale()
    {
        var (_, chips) = await MeasureAsync(postsPerPersona: 2);
        chips.ShouldAllBe(count => count == 200, "two posts of each of 100 personas, each in its own hour (at most 6 a cell)");
    }

    /// <returns>The figures, and the chips each timed render showed.</returns>
    private static async Task<(string[] Lines, List<int> Chips)> MeasureAsync(int postsPerPersona)
    {
        await using var app = new ConsoleAppFactory();
        var client = await app.CreateSignedInClientAsync(Roles.Operator);
        var seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        var monday = PostingConsole.Components.Pages.Calendar.CalendarLayout.WeekStart(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, seoul)).AddDays(7);
        await using (var db = app.CreateDbContext())
        {
            await CalendarWeekSeed.AddAsync(db, monday, postsPerPersona, local => TimeZoneInfo.ConvertTimeToUtc(local, seoul));
        }

        var url = $"/calendar?view=week&date={monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
        for (var i = 0; i < 3; i++) (await client.GetAsync(url)).EnsureSuccessStatusCode(); // JIT, EF query compilation
        var timings = new List<double>();
        var chips = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            var html = await client.GetStringAsync(url);
            watch.Stop();
            chips.Add(System.Text.RegularExpressions.Regex.Count(html, "data-testid=\"cal-chip\""));
            timings.Add(watch.Elapsed.TotalMilliseconds);
        }

        timings.Sort();
        return (
        [
            $"calendar week view, server-side render, {100 * postsPerPersona:N0} posts of 100 personas in the week ({chips[0]:N0} chips shown, at most 6 a cell)",
            $"  p50 {timings[timings.Count / 2]:0.0} ms, p95 {timings[(int)(timings.Count * 0.95) - 1]:0.0} ms, max {timings[^1]:0.0} ms (target < 300 ms)",
        ], chips);
    }
}
