using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Publishing;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Worker;

/// <summary><c>Posting:ScheduleJitter</c>: each post starts at an offset within ± the setting of its time, drawn once and stored.</summary>
public class ScheduleJitterTests : IAsyncLifetime
{
    private static readonly TimeSpan Jitter = TimeSpan.FromMinutes(10);

    private readonly EngineHarness app = EngineHarness.Start(new Dictionary<string, string?>
    {
        ["Posting:ScheduleJitter"] = "00:10:00",
        ["Posting:MissedPostGrace"] = "00:00:20",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData(0.0, -600)]
    [InlineData(0.5, 0)]
    [InlineData(0.75, 300)]
    [InlineData(0.99999, 600)]
    public void The_offset_is_even_within_plus_minus_the_setting_in_whole_seconds(double draw, int seconds) =>
        PostingRules.JitterOffset(Jitter, draw).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task A_new_post_gets_a_start_drawn_within_the_setting_stored_beside_its_scheduled_time()
    {
        var persona = await app.AddPersonaAsync();
        var at = app.Now.AddHours(1);
        var operations = app.GetService<PostOperations>();
        var ids = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            var created = await operations.CreateAsync(TestActors.Operator,
                new NewPost(persona.Id, PostContent.Image(null, "demo/demo-01.jpg"), $"지터 {i}", null, at, null), CancellationToken.None);
            ids.Add(created.Value!.Id);
        }

        await using var db = app.CreateDbContext();
        var posts = await db.Posts.Where(p => ids.Contains(p.Id)).ToListAsync();
        posts.ShouldAllBe(p => p.ScheduledAt == at, "the scheduled time itself is kept");
        posts.ShouldAllBe(p => p.NextAttemptAt >= at - Jitter && p.NextAttemptAt <= at + Jitter);
        posts.Select(p => p.NextAttemptAt).Distinct().Count().ShouldBeGreaterThan(1, "drawn per post");

        // A restarted process (a fresh dispatcher and circuits, knowing only the database) keeps every drawn start.
        var restarted = ActivatorUtilities.CreateInstance<Dispatcher>(app.Services, ActivatorUtilities.CreateInstance<ThrottleCircuits>(app.Services));
        await app.RunOnceAsync(restarted);
        await using var again = app.CreateDbContext();
        (await again.Posts.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.NextAttemptAt))
            .ShouldBe(posts.ToDictionary(p => p.Id, p => p.NextAttemptAt));
    }

    [Fact]
    public async Task A_post_starts_at_its_drawn_time_early_or_late_and_a_late_one_is_never_missed()
    {
        var early = await app.AddPersonaAsync("이른");
        var late = await app.AddPersonaAsync("늦은");
        var at = app.Now.AddHours(1);
        var first = await app.AddPostAsync(early, at);
        var second = await app.AddPostAsync(late, at);
        await using (var db = app.CreateDbContext())
        {
            (await db.Posts.SingleAsync(p => p.Id == first.Id)).Jitter(-Jitter, app.Now);
            (await db.Posts.SingleAsync(p => p.Id == second.Id)).Jitter(Jitter, app.Now);
            await db.SaveChangesAsync();
        }

        app.Time.Advance(at - Jitter - app.Now);
        await app.RunOnceAsync();
        var published = await app.ReadPostAsync(first.Id);
        published.Status.ShouldBe(PostStatus.Published, "ten minutes before its scheduled time, at its drawn start");
        published.PublishedAt.ShouldBe(at - Jitter);

        // Past the scheduled time by more than the 20 s grace: the late one is not due yet, and not missed.
        app.Time.Advance(TimeSpan.FromMinutes(10).Add(TimeSpan.FromSeconds(30)));
        await app.RunOnceAsync();
        (await app.ReadPostAsync(second.Id)).Status.ShouldBe(PostStatus.Scheduled);

        app.Time.Advance(at + Jitter - app.Now);
        await app.RunOnceAsync();
        (await app.ReadPostAsync(second.Id)).PublishedAt.ShouldBe(at + Jitter);
    }
}
