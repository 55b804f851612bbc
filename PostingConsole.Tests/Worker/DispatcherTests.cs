using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Worker;

public class DispatcherTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start(new Dictionary<string, string?>
    {
        ["Posting:MaxConcurrency"] = "3",
        ["Posting:PerPersonaHourlyLimit"] = "2",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Only_posts_whose_time_has_come_are_claimed()
    {
        var persona = await app.AddPersonaAsync();
        var due = await app.AddPostAsync(persona, app.Now.AddSeconds(-1));
        var future = await app.AddPostAsync(persona, app.Now.AddMinutes(10));

        (await app.RunOnceAsync()).ShouldBe(1);
        (await app.ReadPostAsync(due.Id)).Status.ShouldBe(PostStatus.Published);
        (await app.ReadPostAsync(future.Id)).Status.ShouldBe(PostStatus.Scheduled);
        (await app.Dispatcher.NextDueAtAsync(CancellationToken.None)).ShouldBe(future.ScheduledAt);
    }

    [Fact]
    public async Task At_most_MaxConcurrency_posts_are_claimed_at_once_and_one_per_persona()
    {
        var personas = new List<Persona>();
        for (var i = 0; i < 5; i++) personas.Add(await app.AddPersonaAsync($"p{i}"));
        foreach (var persona in personas)
        {
            await app.AddPostAsync(persona);
            await app.AddPostAsync(persona);
        }

        // Slow answers keep the first claims in flight while we look.
        app.Sandbox.Latency = TimeSpan.FromMilliseconds(300);
        var claimed = await app.Dispatcher.TickAsync(CancellationToken.None);
        await using (var db = app.CreateDbContext())
        {
            claimed.ShouldBe(3);
            var inProgress = await db.Posts.Where(p => p.Status == PostStatus.InProgress).Select(p => p.PersonaId).ToListAsync();
            inProgress.Count.ShouldBe(3);
            inProgress.Distinct().Count().ShouldBe(3, "one in flight per persona");
        }

        (await app.Dispatcher.TickAsync(CancellationToken.None)).ShouldBe(0, "no free slot while three are in flight");
        await app.Dispatcher.WhenIdleAsync();
        app.Sandbox.Latency = TimeSpan.Zero;
        while (await app.RunOnceAsync() > 0) { }

        await using var after = app.CreateDbContext();
        (await after.Posts.CountAsync(p => p.Status == PostStatus.Published)).ShouldBe(10);
    }

    [Fact]
    public async Task The_hourly_limit_per_persona_defers_over_a_rolling_hour_and_never_fails()
    {
        var persona = await app.AddPersonaAsync();
        var posts = new List<Post>();
        for (var i = 0; i < 3; i++) posts.Add(await app.AddPostAsync(persona));
        var start = app.Now;

        await app.RunOnceAsync();
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await app.RunOnceAsync();
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await app.RunOnceAsync();

        var third = await app.ReadPostAsync(posts[2].Id);
        third.Status.ShouldBe(PostStatus.Scheduled);
        third.NextAttemptAt.ShouldBe(start.AddHours(1), "the oldest publish in the window leaves it an hour later");

        app.Time.Advance(TimeSpan.FromMinutes(39));
        (await app.RunOnceAsync()).ShouldBe(0);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.RunOnceAsync();
        (await app.ReadPostAsync(posts[2].Id)).Status.ShouldBe(PostStatus.Published);
    }

    [Fact]
    public async Task Instagrams_quota_defers_to_the_next_free_slot_of_the_moving_24_hours()
    {
        app.Sandbox.QuotaTotal = 1;
        var persona = await app.AddPersonaAsync();
        var first = await app.AddPostAsync(persona);
        var second = await app.AddPostAsync(persona);
        var publishedAt = app.Now;

        await app.RunOnceAsync();
        app.Time.Advance(TimeSpan.FromMinutes(10)); // the second is claimed on the next pass (within Posting:MissedPostGrace)
        await app.RunOnceAsync();

        (await app.ReadPostAsync(first.Id)).Status.ShouldBe(PostStatus.Published);
        var deferred = await app.ReadPostAsync(second.Id);
        deferred.Status.ShouldBe(PostStatus.Scheduled);
        deferred.FailureReason.ShouldBe(FailureReason.QuotaReached);
        deferred.NextAttemptAt.ShouldBe(publishedAt.AddHours(24).AddMinutes(1));
        (await app.ReadPersonaAsync(persona.Id)).QuotaUsage.ShouldBe(1);
        app.Sandbox.AllMedia.Count.ShouldBe(1);

        app.Time.Advance(TimeSpan.FromHours(23).Add(TimeSpan.FromMinutes(51)));
        await app.RunOnceAsync();
        (await app.ReadPostAsync(second.Id)).Status.ShouldBe(PostStatus.Published);
    }

    [Fact]
    public async Task Stopped_dispatch_claims_nothing_but_keeps_its_heartbeat()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona);
        var control = app.GetService<DispatchControl>();

        await control.StopAsync(TestActors.Admin, CancellationToken.None);
        (await app.RunOnceAsync()).ShouldBe(0);
        var stopped = await control.GetAsync(CancellationToken.None);
        stopped.Running.ShouldBeFalse();
        stopped.LastTickAt.ShouldBe(app.Now);
        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Scheduled);

        await control.StartAsync(TestActors.Admin, CancellationToken.None);
        (await app.RunOnceAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_paused_persona_posts_are_held_not_published()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona);
        await app.GetService<PersonaOperations>().PauseAsync(TestActors.Admin, persona.Id, "점검", CancellationToken.None);

        (await app.RunOnceAsync()).ShouldBe(0);
        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Held);
        app.Sandbox.AllMedia.ShouldBeEmpty();
    }
}
