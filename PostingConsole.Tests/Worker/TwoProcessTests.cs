using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Sandbox;
using PostingConsole.Tests.Install;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Worker;

/// <summary>
/// Two real console processes (the built PostingConsole.dll, each with its own dispatcher) on one SQLite file, publishing
/// to one Graph API: the Sandbox of a third console. Calls in flight are counted from both consoles' logs of their calls.
/// </summary>
[Collection(TestInfrastructure.ConsoleProcesses.Collection)]
public class TwoProcessTests
{
    private const int MaxConcurrency = 10;

    [Fact]
    [Trait("Database", "SqliteOnly")]
    public async Task Two_console_processes_on_one_sqlite_file_publish_220_posts_once_each_within_one_concurrency_budget()
    {
        await using var meta = EngineHarness.Start(realTime: true);
        meta.Sandbox.Latency = TimeSpan.FromMilliseconds(30);
        meta.Sandbox.ContainerProcessing = TimeSpan.Zero;
        using var shared = new TempFolder("pc-two");
        var posts = await SeedAsync(shared.Path, personas: 110, postsEach: 2, meta.Sandbox);

        var environment = new Dictionary<string, string>
        {
            ["DataFolder"] = shared.Path,
            ["Graph__Mode"] = "Live",
            ["Graph__BaseUrl"] = new Uri(meta.BaseUrl, "sandbox/graph/").AbsoluteUri,
            ["Posting__MaxConcurrency"] = MaxConcurrency.ToString(),
            ["Bootstrap__AdminPassword"] = "", // no first admin: two processes would both try to create it
            ["Logging__LogLevel__Default"] = "Warning",
            [GraphCallTimeline.LogLevelVariable] = "Debug", // each Graph call's start and end, to count them in flight
        };
        var dll = Path.Combine(AppContext.BaseDirectory, "PostingConsole.dll");
        await using var one = await InstalledConsole.StartAsync(dll, shared.Path, shared.Path, environment);
        await using var two = await InstalledConsole.StartAsync(dll, shared.Path, shared.Path, environment);
        // Both are up with dispatch stopped; start it for both at once (each polls the switch while it has work due).
        await ExecuteAsync(shared.Path, "UPDATE DispatcherState SET Running = 1");

        var waited = Stopwatch.StartNew();
        while (await CountAsync(shared.Path, "SELECT COUNT(*) FROM Posts WHERE Status <> 'Published'") > 0)
        {
            Condition.ShouldBeWithin(waited, TimeSpan.FromMinutes(4), () => $"every post published\n{one.Tail}\n{two.Tail}");
            await Task.Delay(200);
        }

        meta.Sandbox.AllMedia.Count.ShouldBe(posts, "0 duplicates: one Instagram post per post");
        meta.Sandbox.AllMedia.GroupBy(m => m.Caption).ShouldAllBe(g => g.Count() == 1);
        // The calls in flight as the consoles saw them (Meta's side counts a call given up on until it notices the hang-up).
        await GraphCallTimeline.WaitForEndLinesAsync(() => one.Output, () => two.Output);
        var timeline = new GraphCallTimeline((one.Output, false), (two.Output, false));
        timeline.Calls.ShouldBeGreaterThanOrEqualTo(meta.Sandbox.Calls, "every call that reached Meta is in the consoles' logs");
        timeline.MaxInFlight.ShouldBeLessThanOrEqualTo(MaxConcurrency,
            $"Graph calls in flight, both processes together; at the busiest moment:\n{string.Join('\n', timeline.BusiestMoment)}");
        meta.Sandbox.MaxCallsInFlight.ShouldBeGreaterThan(MaxConcurrency / 2, "the budget was in use, not idle");
        (await CountAsync(shared.Path, "SELECT COUNT(*) FROM Posts WHERE MediaId IS NULL OR Permalink IS NULL")).ShouldBe(0, "0 lost: each with media id and permalink");
        (await CountAsync(shared.Path, "SELECT COUNT(*) FROM PostAttempts WHERE Step = 'media_publish'")).ShouldBe(posts, "one media_publish per post");
        (await CountAsync(shared.Path, "SELECT COUNT(DISTINCT ClaimedBy) FROM Posts")).ShouldBe(2, "both processes claimed posts");
    }

    /// <summary>A migrated database in <paramref name="folder"/> with personas, tokens (the folder's key ring) and due posts.</summary>
    /// <remarks>Each account and its token are registered with <paramref name="meta"/>, as Meta knows them.</remarks>
    private static async Task<int> SeedAsync(string folder, int personas, int postsEach, SandboxGraphState meta)
    {
        await using var seed = new ConsoleAppFactory(new Dictionary<string, string?> { ["DataFolder"] = folder });
        await seed.GetService<DemoSeeder>().EnsureDemoMediaAsync(CancellationToken.None);
        var tokens = seed.GetService<TokenProtector>();
        await using var db = seed.CreateDbContext();
        var now = DateTime.UtcNow;
        for (var i = 0; i < personas; i++)
        {
            var token = $"EAA-token-{i}-{Guid.NewGuid():N}";
            var persona = Persona.Create($"두프로세스{i}", $"1785{i:D10}", tokens.Protect(token), "abcd", null, now);
            meta.SetAccountToken(persona.IgUserId, token);
            db.Personas.Add(persona);
            await db.SaveChangesAsync();
            for (var k = 0; k < postsEach; k++)
            {
                db.Posts.Add(Post.Create(persona.Id, null, "demo/demo-01.jpg", $"{persona.Name} #{k} {Guid.NewGuid():N}", ["데일리"], now.AddSeconds(-k), null, now));
            }
        }

        await db.SaveChangesAsync();
        await db.DispatcherState.ExecuteUpdateAsync(s => s.SetProperty(x => x.Running, false));
        return personas * postsEach;
    }

    private static async Task ExecuteAsync(string folder, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "posting.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string folder, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "posting.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
