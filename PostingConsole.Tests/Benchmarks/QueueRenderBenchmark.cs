using System.Diagnostics;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;
using Xunit.Abstractions;

namespace PostingConsole.Tests.Benchmarks;

/// <summary>Issue 4's figure: with 10,000 posts in the database, the queue's first page rendered server-side.</summary>
[Collection(BenchmarkReport.Collection)]
public class QueueRenderBenchmark(ITestOutputHelper output)
{
    [BenchmarkFact]
    [Trait("Category", "Benchmark")]
    public async Task First_page_of_the_queue_with_10000_posts()
    {
        var (lines, _) = await MeasureAsync(10_000);
        foreach (var line in lines) output.WriteLine(line);
        BenchmarkReport.Write("queue-render", lines);
    }

    /// <summary>The same measurement at a small scale in every test run: the timed loads rendered full first pages (no speed is asserted).</summary>
    [Fact]
    public async Task The_timed_loads_render_full_first_pages_at_a_small_scale()
    {
        var (_, cards) = await MeasureAsync(200);
        cards.Count.ShouldBe(40);
        // The unfiltered and the by-status loads (the first 30) show a full page; one persona's have only its few posts.
        cards.Take(30).ShouldAllBe(count => count == PostingConsole.Components.Pages.Queue.QueuePage.PageSize);
    }

    /// <returns>The figures, and the cards each timed load rendered.</returns>
    private static async Task<(string[] Lines, List<int> Cards)> MeasureAsync(int count)
    {
        await using var app = new ConsoleAppFactory();
        var client = await app.CreateSignedInClientAsync(PostingConsole.Domain.Roles.Viewer);
        var now = DateTime.UtcNow;
        await using (var db = app.CreateDbContext())
        {
            var personas = Enumerable.Range(0, 100).Select(i => Persona.Create($"페르소나{i}", $"1784{i:000000}", "x", "abcd", null, now)).ToList();
            db.Personas.AddRange(personas);
            await db.SaveChangesAsync();
            var random = new Random(1);
            for (var i = 0; i < count; i++)
            {
                db.Posts.Add(Post.Create(personas[i % 100].Id, null, "demo/demo-01.jpg", $"포스팅 {i}", ["데일리"], now.AddMinutes(random.Next(-600, 60 * 24 * 7)), null, now));
            }

            await db.SaveChangesAsync();
        }

        // Warm up (JIT, EF query compilation), then time the server-side render of the first page.
        for (var i = 0; i < 3; i++) (await client.GetAsync("/")).EnsureSuccessStatusCode();
        var timings = new List<double>();
        var cards = new List<int>();
        foreach (var url in Enumerable.Repeat("/", 20).Concat(Enumerable.Repeat("/?status=Scheduled", 10)).Concat(Enumerable.Repeat("/?persona=5", 10)))
        {
            var watch = Stopwatch.StartNew();
            var html = await client.GetStringAsync(url);
            watch.Stop();
            cards.Add(System.Text.RegularExpressions.Regex.Count(html, "data-testid=\"post-card\""));
            timings.Add(watch.Elapsed.TotalMilliseconds);
        }

        timings.Sort();
        return (
        [
            $"queue first page, server-side render, {count:N0} posts over 100 personas (40 requests: all, by status, by persona)",
            $"  p50 {timings[timings.Count / 2]:0.0} ms, p95 {timings[(int)(timings.Count * 0.95) - 1]:0.0} ms, max {timings[^1]:0.0} ms (target < 300 ms)",
        ], cards);
    }
}
