using System.Collections.Concurrent;
using Microsoft.Playwright;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Operations;
using PostingConsole.Tests.Browser;
using PostingConsole.Tests.TestInfrastructure;
using Xunit.Abstractions;

namespace PostingConsole.Tests.Benchmarks;

/// <summary>
/// Push to open screens at scale: N Chromium tabs on the queue, posts published one after another; for every tab and post,
/// the time from the server's Published event to the card turning ✅ in that tab's DOM (one machine, one clock).
/// </summary>
[Collection(BenchmarkReport.Collection)]
public class PushLatencyBenchmark(ITestOutputHelper output)
{
    /// <summary>Records, in the page, when each card is first seen Published (attribute change or a card re-rendered).</summary>
    private const string Observe = """
        () => {
          window.__seen = {};
          const scan = () => {
            const now = Date.now();
            for (const card of document.querySelectorAll('[data-testid=post-card][data-status=Published]')) {
              if (!(card.dataset.postId in window.__seen)) window.__seen[card.dataset.postId] = now;
            }
          };
          new MutationObserver(scan).observe(document.body, { attributes: true, attributeFilter: ['data-status'], childList: true, subtree: true });
          scan();
        }
        """;

    [BenchmarkFact]
    [Trait("Category", "Benchmark")]
    public async Task Publish_to_DOM_latency_with_open_tabs()
    {
        var lines = new List<string>();
        // PUSH_TABS=10,30 measures other counts (the browsers share this machine's cores with the console).
        var counts = (Environment.GetEnvironmentVariable("PUSH_TABS") ?? "10,50").Split(',').Select(int.Parse);
        foreach (var tabs in counts) lines.AddRange(await MeasureAsync(tabs, posts: 8));
        foreach (var line in lines) output.WriteLine(line);
        BenchmarkReport.Write("push", lines);
    }

    private static async Task<IEnumerable<string>> MeasureAsync(int tabs, int posts)
    {
        var fixture = new BrowserFixture();
        await fixture.InitializeAsync();
        try
        {
            var app = fixture.App;
            // A persona each, so no per-persona limit or spacing holds a post back.
            var ids = new List<int>();
            for (var i = 0; i < posts; i++)
            {
                var persona = await app.AddPersonaAsync($"푸시{i}");
                ids.Add((await fixture.CreatePostAsync(persona.Id, DateTimeOffset.Now.AddMinutes(30 + i), $"푸시 {i}")).Id);
            }

            var pages = new List<IPage>();
            foreach (var batch in Enumerable.Range(0, tabs).Chunk(5))
            {
                pages.AddRange(await Task.WhenAll(batch.Select(async _ =>
                {
                    var page = await fixture.OpenAsync("/");
                    await page.WaitForSelectorAsync($"[data-testid=post-card][data-post-id='{ids[0]}']");
                    await page.EvaluateAsync(Observe);
                    return page;
                })));
            }

            var published = new ConcurrentDictionary<int, long>();
            using var _ = app.Hub.Subscribe(e =>
            {
                if (e is PostChanged { Status: PostStatus.Published } changed) published.TryAdd(changed.PostId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                return Task.CompletedTask;
            });

            var operations = app.GetService<PostOperations>();
            foreach (var id in ids)
            {
                (await operations.PublishNowAsync(TestActors.Admin, id, republish: false, CancellationToken.None)).Succeeded.ShouldBeTrue();
                await BrowserFixture.WaitForAsync(() => Task.FromResult(published.ContainsKey(id)));
                // Every tab shows it (or 10 s pass) before the next one goes: one measurement at a time.
                var waited = System.Diagnostics.Stopwatch.StartNew();
                foreach (var page in pages)
                {
                    var left = TimeSpan.FromSeconds(10) - waited.Elapsed;
                    if (left <= TimeSpan.Zero) break;
                    try
                    {
                        await page.WaitForFunctionAsync($"() => '{id}' in window.__seen", null, new() { Timeout = (float)left.TotalMilliseconds });
                    }
                    catch (TimeoutException)
                    {
                        // Counted as a miss below.
                    }
                }

                await Task.Delay(500);
            }

            var latencies = new List<double>();
            var misses = 0;
            foreach (var page in pages)
            {
                var seen = await page.EvaluateAsync<Dictionary<string, long>>("() => window.__seen");
                foreach (var id in ids)
                {
                    if (seen.TryGetValue(id.ToString(), out var at)) latencies.Add(at - published[id]);
                    else misses++;
                }
            }

            latencies.Sort();
            return
            [
                $"push: {tabs} open tabs on the queue, {posts} posts published one after another (Published event on the server -> card ✅ in each tab's DOM)",
                $"  p50 {Percentile(latencies, 0.50):0} ms, p95 {Percentile(latencies, 0.95):0} ms, max {latencies[^1]:0} ms over {latencies.Count} updates, {misses} not shown within 10 s (target p95 < 150 ms with 50 tabs)",
            ];
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) => sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
