using Microsoft.EntityFrameworkCore;
using System.Diagnostics;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Tests.Data;
using PostingConsole.Tests.TestInfrastructure;
using Xunit.Abstractions;

namespace PostingConsole.Tests.Benchmarks;

/// <summary>
/// Issue 29's figures: a year of history. The database holds <c>HISTORY_SIZES</c> past posts (default 100,000 and 1,000,000;
/// 3 % failed, written through the product's model by <see cref="PostHistory"/>) and a day of upcoming ones; every screen and
/// list API of <see cref="QueryPlanTests.HotUrls"/> is loaded four times warm and its server time printed, with the process's
/// memory after the loads. <c>HISTORY_DATABASES</c>: <c>Sqlite</c>, <c>Postgres</c> or both (default both).
/// </summary>
[Collection(BenchmarkReport.Collection)]
public class HistoryBenchmark(ITestOutputHelper output)
{
    [BenchmarkFact]
    [Trait("Category", "Benchmark")]
    public async Task Every_screen_with_a_year_of_history()
    {
        var sizes = (Environment.GetEnvironmentVariable("HISTORY_SIZES") ?? "100000,1000000").Split(',').Select(int.Parse).ToList();
        var databases = (Environment.GetEnvironmentVariable("HISTORY_DATABASES") ?? "Sqlite,Postgres").Split(',');
        var lines = new List<string>();
        foreach (var database in databases)
        {
            foreach (var size in sizes)
            {
                lines.AddRange(await MeasureAsync(size, database));
                foreach (var line in lines.TakeLast(QueryPlanTests.HotUrls.Length + 2)) output.WriteLine(line);
                BenchmarkReport.Write("history", lines);
            }
        }
    }

    private static async Task<List<string>> MeasureAsync(int size, string database)
    {
        var overrides = database == "Postgres" ? new Dictionary<string, string?> { ["Database:Provider"] = "Postgres" } : null;
        await using var app = new ConsoleAppFactory(overrides);
        var now = DateTime.UtcNow;
        var generate = Stopwatch.StartNew();
        var personas = await PostHistory.AddPersonasAsync(app.CreateDbContext, 100, now);
        await PostHistory.AddPastAsync(app.CreateDbContext, personas, size, TimeSpan.FromDays(Math.Max(30, size / 2_750)), now);
        await PostHistory.AddUpcomingAsync(app.CreateDbContext, personas, 2_500, now);
        // What the dispatcher's every-minute tick does on a running console: the hourly counts' +1 rows folded.
        await app.GetService<PostCountsCompaction>().CompactAsync(CancellationToken.None);
        if (database == "Postgres")
        {
            // PostgreSQL's autovacuum analyzes a table soon after a bulk change on a running database; the benchmark does not wait
            // for it (without statistics the planner takes a million published posts for a few hundred).
            await using var db = app.CreateDbContext();
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }
        generate.Stop();
        var screens = await app.CreateSignedInClientAsync(Roles.Viewer);
        var api = app.CreateApiClient();

        var lines = new List<string> { $"{database}, {size:N0} past posts (+2,500 upcoming, 100 personas; generated in {generate.Elapsed.TotalSeconds:0} s): server time of 4 warm loads" };
        foreach (var url in QueryPlanTests.HotUrls)
        {
            var client = url.StartsWith("/api/", StringComparison.Ordinal) ? api : screens;
            var timings = new List<double>();
            for (var i = 0; i < 6; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
                watch.Stop();
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                if (i >= 2) timings.Add(watch.Elapsed.TotalMilliseconds);
            }

            timings.Sort();
            lines.Add($"  {url,-28} {timings[0],7:0.0} – {timings[^1],7:0.0} ms{(timings[^1] >= 100 ? "   (over 100 ms)" : "")}");
        }

        // The generation's garbage (a million posts built through EF Core in this process) is not the console's: an aggressive
        // collection gives it back to the system before the working set is read.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        lines.Add($"  memory after the loads: managed heap {GC.GetTotalMemory(true) / 1024.0 / 1024:0} MB, working set {process.WorkingSet64 / 1024.0 / 1024:0} MB (test process hosting the console)");
        return lines;
    }
}
