using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Sandbox;
using PostingConsole.Tests.Install;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.ScaleOut;

/// <summary>
/// Two real console processes (the built PostingConsole.dll) on one PostgreSQL database, publishing to one Graph API: the
/// Sandbox of a third console. Calls in flight are counted from both consoles' logs of their calls. One of them is killed (SIGKILL) mid-run.
/// </summary>
[Trait("Database", "Postgres")]
[Collection(ConsoleProcesses.Collection)]
public class TwoInstancesOnPostgresTests
{
    private const int MaxConcurrency = 10;
    private const int HourlyLimit = 10;

    [Fact]
    public async Task Two_processes_publish_1000_posts_over_100_personas_once_each_and_a_kill_9_leaves_nothing_behind()
    {
        await using var meta = EngineHarness.Start(realTime: true);
        meta.Sandbox.Latency = TimeSpan.FromMilliseconds(30);
        meta.Sandbox.ContainerProcessing = TimeSpan.Zero;
        using var shared = new TempFolder("pc-two-pg");
        var (database, posts) = await SeedAsync(shared.Path, personas: 100, postsEach: 10, meta.Sandbox);
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["DataFolder"] = shared.Path, // the media folder both serve (shared storage); keys and everything else are in the database
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Posting"] = database,
                ["Graph__Mode"] = "Live",
                ["Graph__BaseUrl"] = new Uri(meta.BaseUrl, "sandbox/graph/").AbsoluteUri,
                ["Graph__CallTimeout"] = "00:00:05",
                ["Posting__MaxConcurrency"] = MaxConcurrency.ToString(),
                ["Posting__PerPersonaHourlyLimit"] = HourlyLimit.ToString(),
                ["Posting__LeaseDuration"] = "00:00:30",
                // A call that times out on a starved machine is retried in seconds, not the production 5 minutes (and not given up).
                ["Posting__TransientRetryDelay"] = "00:00:05",
                ["Posting__MaxTransientRetries"] = "10",
                ["Logging__LogLevel__Default"] = "Warning",
                [GraphCallTimeline.LogLevelVariable] = "Debug", // each Graph call's start and end, to count them in flight
            };
            var dll = Path.Combine(AppContext.BaseDirectory, "PostingConsole.dll");
            await using var one = await InstalledConsole.StartAsync(dll, shared.Path, shared.Path, environment);
            await using var two = await InstalledConsole.StartAsync(dll, shared.Path, shared.Path, environment);
            await using var db = Connect(database);
            // Both are up with dispatch stopped: the switch is in the database, so starting it starts both.
            await db.DispatcherState.ExecuteUpdateAsync(s => s.SetProperty(x => x.Running, true));

            // Mid-run, while process one has posts in flight: kill -9.
            var oneClaims = $":{one.ProcessId}:";
            var waited = Stopwatch.StartNew();
            while (await db.Posts.CountAsync(p => p.Status == PostStatus.Published) < posts / 4
                   || await db.Posts.CountAsync(p => p.Status == PostStatus.InProgress && p.ClaimedBy!.Contains(oneClaims)) == 0)
            {
                Condition.ShouldBeWithin(waited, TimeSpan.FromMinutes(3), () => $"a quarter published\n{one.Tail}\n{two.Tail}");
                await Task.Delay(20);
            }

            await one.KillAsync();
            var stranded = await db.Posts.Where(p => p.Status == PostStatus.InProgress && p.ClaimedBy!.Contains(oneClaims)).Select(p => p.Id).ToListAsync();
            stranded.ShouldNotBeEmpty("the killed process had posts in flight");

            while (await db.Posts.CountAsync(p => p.Status != PostStatus.Published) > 0)
            {
                Condition.ShouldBeWithin(waited, TimeSpan.FromMinutes(6), () => $"every post published\n{two.Tail}");
                await Task.Delay(200);
            }

            // Once each: one Instagram post per post, the killed process's posts included.
            meta.Sandbox.AllMedia.Count.ShouldBe(posts, "0 duplicates: one Instagram post per post");
            meta.Sandbox.AllMedia.GroupBy(m => m.Caption).ShouldAllBe(g => g.Count() == 1);
            (await db.Posts.CountAsync(p => p.MediaId == null || p.Permalink == null)).ShouldBe(0, "0 lost: each with media id and permalink");
            var finished = await db.Posts.Where(p => stranded.Contains(p.Id)).Select(p => new { p.ClaimedBy, p.ClaimNumber }).ToListAsync();
            finished.ShouldAllBe(p => !p.ClaimedBy!.Contains(oneClaims) && p.ClaimNumber >= 2, "the other process took the stranded posts over after the lease");

            // Within the limits, both processes together: the calls in flight as the consoles saw them. (Meta's side counts a call
            // the console gave up on until it notices the hang-up: on a starved machine, seconds after a new call went out.)
            await GraphCallTimeline.WaitForEndLinesAsync(() => two.Output);
            var timeline = new GraphCallTimeline((one.Output, true), (two.Output, false));
            // (The killed process's last lines may not have been written: up to its calls then in flight.)
            timeline.Calls.ShouldBeGreaterThanOrEqualTo(meta.Sandbox.Calls - MaxConcurrency, "every call that reached Meta is in the consoles' logs");
            timeline.MaxInFlight.ShouldBeLessThanOrEqualTo(MaxConcurrency,
                $"Graph calls in flight, both processes together; at the busiest moment:\n{string.Join('\n', timeline.BusiestMoment)}");
            meta.Sandbox.MaxCallsInFlight.ShouldBeGreaterThan(MaxConcurrency / 2, "the budget was in use, not idle");
            var claimers = await db.Posts.Select(p => p.ClaimedBy).Distinct().ToListAsync();
            claimers.Count.ShouldBeGreaterThanOrEqualTo(2, "both processes claimed posts");
            await ShouldRunOnePostPerPersonaAtATimeAsync(db);
            // (The hourly limit across processes: ClaimsAcrossProcessesTests; here each persona's 10 posts are within its 10.)
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database);
        }
    }

    /// <summary>Each run (one claim of a post: its first Graph call to its last) never overlaps another run of the same persona.</summary>
    private static async Task ShouldRunOnePostPerPersonaAtATimeAsync(PostingDbContext db)
    {
        var attempts = await db.PostAttempts.Select(a => new { a.PostId, a.ClaimNumber, a.At, a.DurationMs }).ToListAsync();
        // A call is recorded when it ends: a run is from its first call's start to its last call's end.
        var runs = attempts.GroupBy(a => new { a.PostId, a.ClaimNumber })
            .Select(g => new { g.Key.PostId, g.Key.ClaimNumber, From = g.Min(a => a.At.AddMilliseconds(-a.DurationMs)), To = g.Max(a => a.At) }).ToList();
        var personaOf = await db.Posts.ToDictionaryAsync(p => p.Id, p => p.PersonaId);
        foreach (var persona in runs.GroupBy(r => personaOf[r.PostId]))
        {
            var ordered = persona.OrderBy(r => r.From).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                ordered[i].From.ShouldBeGreaterThan(ordered[i - 1].To,
                    $"persona {persona.Key}: post {ordered[i].PostId} (claim {ordered[i].ClaimNumber}) began while post {ordered[i - 1].PostId} (claim {ordered[i - 1].ClaimNumber}) ran");
            }
        }
    }

    private static PostgresPostingDbContext Connect(string database) =>
        new(new DbContextOptionsBuilder<PostgresPostingDbContext>().UseNpgsql(database).Options);

    /// <summary>A migrated PostgreSQL database with personas, tokens (its key ring) and due posts; dispatch stopped.</summary>
    private static async Task<(string Database, int Posts)> SeedAsync(string folder, int personas, int postsEach, SandboxGraphState meta)
    {
        var database = await PostgresServer.CreateDatabaseAsync(); // the test's, not the seeding app's (which would drop it)
        await using var seed = new ConsoleAppFactory(new Dictionary<string, string?>
        {
            ["DataFolder"] = folder, ["Database:Provider"] = "Postgres", ["ConnectionStrings:Posting"] = database,
        });
        await seed.GetService<DemoSeeder>().EnsureDemoMediaAsync(CancellationToken.None);
        var tokens = seed.GetService<TokenProtector>();
        await using var db = seed.CreateDbContext();
        var now = DateTime.UtcNow;
        for (var i = 0; i < personas; i++)
        {
            var token = $"EAA-token-{i}-{Guid.NewGuid():N}";
            var persona = Persona.Create($"확장{i}", $"1786{i:D10}", tokens.Protect(token), "abcd", null, now);
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
        return (database, personas * postsEach);
    }
}
