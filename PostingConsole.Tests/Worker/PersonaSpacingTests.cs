using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Worker;

/// <summary><c>Posting:MinIntervalPerPersona</c>: five posts of one persona due together go out an interval apart, never burst.</summary>
public class PersonaSpacingTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(8);

    private readonly EngineHarness app = EngineHarness.Start(new Dictionary<string, string?> { ["Posting:MinIntervalPerPersona"] = "00:00:08" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Five_posts_of_one_persona_due_at_once_go_out_at_least_8_s_apart_each_with_its_expected_start()
    {
        var persona = await app.AddPersonaAsync();
        var other = await app.AddPersonaAsync("하나");
        var start = app.Now;
        var posts = new List<Post>();
        for (var i = 0; i < 5; i++) posts.Add(await app.AddPostAsync(persona, start));
        var others = await app.AddPostAsync(other, start);

        await app.RunOnceAsync();
        await app.RunOnceAsync();

        (await app.ReadPostAsync(posts[0].Id)).Status.ShouldBe(PostStatus.Published);
        (await app.ReadPostAsync(others.Id)).Status.ShouldBe(PostStatus.Published, "another persona is not held back");
        for (var i = 1; i < 5; i++)
        {
            var waiting = await app.ReadPostAsync(posts[i].Id);
            waiting.Status.ShouldBe(PostStatus.Scheduled);
            waiting.NextAttemptAt.ShouldBe(start + Interval * i, $"post {i}'s expected start");
        }

        // Time passes in one-second steps; every post goes out at its turn and never closer than the interval.
        for (var step = 0; step < 50; step++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(1));
            await app.RunOnceAsync();
        }

        // Each went out at the start it was given (business time stands still during a run), so never closer than the interval.
        for (var i = 0; i < 5; i++) (await app.ReadPostAsync(posts[i].Id)).PublishedAt.ShouldBe(start + Interval * i, $"post {i} went out at its turn");
        app.Sandbox.AllMedia.Count.ShouldBe(6);
    }

    [Fact]
    public async Task A_post_due_after_the_interval_keeps_its_own_time()
    {
        var persona = await app.AddPersonaAsync();
        var first = await app.AddPostAsync(persona, app.Now);
        var later = await app.AddPostAsync(persona, app.Now.AddSeconds(30));

        await app.RunOnceAsync();
        app.Time.Advance(TimeSpan.FromSeconds(30));
        await app.RunOnceAsync();

        (await app.ReadPostAsync(first.Id)).Status.ShouldBe(PostStatus.Published);
        var read = await app.ReadPostAsync(later.Id);
        read.Status.ShouldBe(PostStatus.Published);
        read.PublishedAt.ShouldBe(app.Now, "30 s after the last post: nothing to wait for");
    }
}
