using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Worker;

/// <summary>
/// <c>Posting:MissedPostGrace</c> (docs/architecture.md#the-api): a post that would start later than the grace after its due time is held
/// (<c>Missed</c>) for an operator, never published on its own; due time is the scheduled time, or the moment a post was
/// put on the queue after it. Fake time throughout.
/// </summary>
public class MissedPostTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start(new Dictionary<string, string?> { ["Posting:MissedPostGrace"] = "00:00:20" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Posts_past_the_grace_after_an_outage_are_held_with_one_alert_and_one_event_per_persona_and_no_graph_call()
    {
        var persona = await app.AddPersonaAsync();
        var other = await app.AddPersonaAsync("하나");
        var third = await app.AddPersonaAsync("둘");
        var posts = new List<Post>();
        for (var i = 0; i < 3; i++) posts.Add(await app.AddPostAsync(persona, app.Now.AddSeconds(i)));
        var thirds = new List<Post>();
        for (var i = 0; i < 2; i++) thirds.Add(await app.AddPostAsync(third, app.Now.AddSeconds(i)));
        var onTime = await app.AddPostAsync(other, app.Now.AddSeconds(25));
        app.Sandbox.ResetCallCount();

        app.Time.Advance(TimeSpan.FromSeconds(30)); // the console was down 30 s past their time; the grace is 20 s
        await app.RunOnceAsync();

        foreach (var post in posts.Concat(thirds))
        {
            var held = await app.ReadPostAsync(post.Id);
            held.Status.ShouldBe(PostStatus.Held);
            held.FailureReason.ShouldBe(FailureReason.Missed);
            held.Attempts.ShouldBeEmpty("no Graph call for a missed post");
        }

        var published = await app.ReadPostAsync(onTime.Id);
        published.Status.ShouldBe(PostStatus.Published, "5 s late is within the grace");
        app.Sandbox.AllMedia.Count.ShouldBe(1, "nothing stale went out");
        app.Sandbox.Calls.ShouldBe(published.Attempts.Count, "every Graph call was the on-time post's");
        await using var db = app.CreateDbContext();
        var alerts = await db.Alerts.Where(a => a.Kind == AlertKind.PostsMissed).OrderBy(a => a.Id).ToListAsync();
        alerts.Select(a => a.Message).ShouldBe(["페르소나 '지수': 예약 시간을 놓친 포스트 3건 — 확인 필요", "페르소나 '둘': 예약 시간을 놓친 포스트 2건 — 확인 필요"],
            ignoreOrder: true);
        var events = await db.WebhookMessages.Where(m => m.Type == WebhookTypes.PostsMissed).ToListAsync();
        events.Count.ShouldBe(2, "one event per persona");
        var first = events.Single(e => e.Body.Contains($"\"personaId\":{persona.Id},", StringComparison.Ordinal));
        foreach (var post in posts) first.Body.ShouldContain(post.Id.ToString());
        var second = events.Single(e => e.Body.Contains($"\"personaId\":{third.Id},", StringComparison.Ordinal));
        foreach (var post in thirds) second.Body.ShouldContain(post.Id.ToString());

        // The next pass raises no second alert for the same incident.
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.RunOnceAsync();
        (await db.Alerts.CountAsync(a => a.Kind == AlertKind.PostsMissed)).ShouldBe(2);
    }

    [Fact]
    public async Task A_post_approved_after_its_time_is_due_from_that_moment_and_published()
    {
        var persona = await app.AddPersonaAsync();
        var late = await app.AddPostAsync(persona, app.Now.AddHours(-3)); // approved upstream three hours late

        app.Time.Advance(TimeSpan.FromSeconds(10));
        await app.RunOnceAsync();

        (await app.ReadPostAsync(late.Id)).Status.ShouldBe(PostStatus.Published);
    }

    [Fact]
    public async Task Stopped_dispatch_past_the_grace_holds_on_start_and_publish_now_sends_a_held_post()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, app.Now.AddSeconds(1));
        var control = app.GetService<DispatchControl>();
        await control.StopAsync(TestActors.Admin, CancellationToken.None);
        app.Time.Advance(TimeSpan.FromMinutes(5));
        await app.RunOnceAsync();
        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Scheduled, "stopped: nothing is decided");

        await control.StartAsync(TestActors.Admin, CancellationToken.None);
        await app.RunOnceAsync();
        (await app.ReadPostAsync(post.Id)).FailureReason.ShouldBe(FailureReason.Missed);

        // The operator decides: publish it now (due from this moment, so not missed again).
        (await app.GetService<PostOperations>().PublishNowAsync(TestActors.Operator, post.Id, false, CancellationToken.None)).Succeeded.ShouldBeTrue();
        app.Time.Advance(TimeSpan.FromSeconds(5));
        await app.RunOnceAsync();
        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Published);
        app.Time.Advance(TimeSpan.FromMinutes(5));
        await app.RunOnceAsync();
        app.Sandbox.AllMedia.Count.ShouldBe(1, "sent once");
    }

    [Fact]
    public async Task A_persona_resumed_hours_later_releases_its_held_posts_as_due_now()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, app.Now.AddMinutes(1));
        var personas = app.GetService<PersonaOperations>();
        (await personas.PauseAsync(TestActors.Admin, persona.Id, "점검", CancellationToken.None)).Succeeded.ShouldBeTrue();
        app.Time.Advance(TimeSpan.FromHours(3));
        await app.RunOnceAsync();

        (await personas.ResumeAsync(TestActors.Admin, persona.Id, CancellationToken.None)).Succeeded.ShouldBeTrue();
        app.Time.Advance(TimeSpan.FromSeconds(5));
        await app.RunOnceAsync();

        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Published, "released: due from the release, within the grace");
    }
}
