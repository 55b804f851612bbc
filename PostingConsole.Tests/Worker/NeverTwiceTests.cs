using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Worker;

/// <summary>"The same post must never run twice": crashes mid-flight and two dispatchers on one SQLite file.</summary>
public class NeverTwiceTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start(new Dictionary<string, string?> { ["Posting:MaxConcurrency"] = "10" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<List<Post>> AddPostsAsync(int personas, int perPersona)
    {
        var posts = new List<Post>();
        for (var p = 0; p < personas; p++)
        {
            var persona = await app.AddPersonaAsync($"페르소나{p}");
            for (var k = 0; k < perPersona; k++) posts.Add(await app.AddPostAsync(persona, app.Now.AddSeconds(-k)));
        }

        return posts;
    }

    private async Task ShouldBePublishedExactlyOnceAsync(IReadOnlyCollection<Post> posts)
    {
        await using var db = app.CreateDbContext();
        var statuses = await db.Posts.GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        statuses.ShouldBe([new { Key = PostStatus.Published, Count = posts.Count }], $"all published: {string.Join(", ", statuses)}");

        var media = app.Sandbox.AllMedia;
        media.Count.ShouldBe(posts.Count, "one Instagram post per post, none twice");
        media.GroupBy(m => m.Caption).ShouldAllBe(g => g.Count() == 1);
        var mediaIds = await db.Posts.Select(p => p.MediaId).ToListAsync();
        mediaIds.ShouldBe(media.Select(m => (string?)m.Id).ToList(), ignoreOrder: true);
    }

    [Fact]
    public async Task A_dispatcher_abandoned_mid_flight_and_a_new_one_on_the_same_database_lose_nothing_and_repeat_nothing()
    {
        var posts = await AddPostsAsync(personas: 20, perPersona: 2);
        // A post is three calls (quota, container, publish with its permalink): 240 ms, so the crash at 150 ms finds runs mid-flight.
        app.Sandbox.Latency = TimeSpan.FromMilliseconds(80);

        // The first dispatcher dies part-way: its in-flight work is cut off wherever it is.
        var first = ActivatorUtilities.CreateInstance<Dispatcher>(app.Services);
        await first.TickAsync(CancellationToken.None);
        await Task.Delay(150);
        await first.AbandonAsync();
        await using (var db = app.CreateDbContext())
        {
            (await db.Posts.CountAsync(p => p.Status == PostStatus.InProgress)).ShouldBeGreaterThan(0, "the crash left posts mid-flight");
        }

        // A new dispatcher (a restarted process) on the same database, once the leases have run out.
        app.Sandbox.Latency = TimeSpan.Zero;
        var second = ActivatorUtilities.CreateInstance<Dispatcher>(app.Services);
        app.Time.Advance(TimeSpan.FromMinutes(3));
        for (var pass = 0; pass < 20 && await PendingAsync() > 0; pass++)
        {
            await app.RunOnceAsync(second);
            app.Time.Advance(TimeSpan.FromMinutes(5));
        }

        await ShouldBePublishedExactlyOnceAsync(posts);
    }

    [Fact]
    public async Task Two_dispatchers_on_one_sqlite_file_publish_200_posts_each_exactly_once()
    {
        var posts = await AddPostsAsync(personas: 100, perPersona: 2);
        var one = ActivatorUtilities.CreateInstance<Dispatcher>(app.Services);
        var two = ActivatorUtilities.CreateInstance<Dispatcher>(app.Services);

        // Bounded by time, not by a number of passes: a slow machine gets as many passes as it needs.
        var deadline = System.Diagnostics.Stopwatch.StartNew();

        async Task<int> Drive(Dispatcher dispatcher)
        {
            var claimed = 0;
            while (await PendingAsync() > 0)
            {
                deadline.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(2), "every post claimed");
                claimed += await dispatcher.TickAsync(CancellationToken.None);
                await Task.Delay(5);
            }

            await dispatcher.WhenIdleAsync();
            return claimed;
        }

        var claims = await Task.WhenAll(Drive(one), Drive(two));
        claims.ShouldAllBe(c => c > 0, "both dispatchers took part");
        claims.Sum().ShouldBe(200, "every post claimed once");
        await ShouldBePublishedExactlyOnceAsync(posts);

        await using var db = app.CreateDbContext();
        var claimedBy = await db.PostAttempts.CountAsync(a => a.Step == "media_publish");
        claimedBy.ShouldBe(200, "one media_publish call per post");
    }

    private async Task<int> PendingAsync()
    {
        await using var db = app.CreateDbContext();
        return await db.Posts.CountAsync(p => p.Status != PostStatus.Published);
    }
}
