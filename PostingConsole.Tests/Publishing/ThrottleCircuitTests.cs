using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Publishing;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Publishing;

/// <summary>Meta's throttling with fake time: no call into a known block, one probe per reopening, posts behind it go out after it, once.</summary>
public class ThrottleCircuitTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start(new Dictionary<string, string?> { ["Posting:RateLimitRetryDelay"] = "00:00:15" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task An_account_throttled_with_its_estimate_gets_no_call_until_then_while_other_accounts_keep_publishing()
    {
        var throttled = await app.AddPersonaAsync("제한");
        var other = await app.AddPersonaAsync("정상");
        var blocked = new List<Post>();
        for (var i = 0; i < 6; i++) blocked.Add(await app.AddPostAsync(throttled, app.Now.AddSeconds(-i)));
        var free = new List<Post>();
        for (var i = 0; i < 3; i++) free.Add(await app.AddPostAsync(other, app.Now.AddSeconds(-i)));
        app.Sandbox.ThrottleAccount(throttled.IgUserId, app.Now.AddMinutes(1), code: 4, estimate: TimeSpan.FromMinutes(1));

        for (var pass = 0; pass < 5; pass++) await app.RunOnceAsync();

        app.Sandbox.CallsIntoBlock.ShouldBe(0, "one refusal, then no call to the account");
        (await app.ReadPersonaAsync(throttled.Id)).ThrottledUntil.ShouldBe(app.Now.AddMinutes(1));
        foreach (var post in blocked)
        {
            var waiting = await app.ReadPostAsync(post.Id);
            waiting.Status.ShouldBeOneOf(PostStatus.Retrying, PostStatus.Scheduled);
            waiting.FailureReason.ShouldBe(FailureReason.RateLimited);
            waiting.NextAttemptAt.ShouldBe(app.Now.AddMinutes(1), "behind the circuit: its reopening, not each its own hour");
        }

        foreach (var post in free) (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Published, "other accounts keep publishing");

        app.Time.Advance(TimeSpan.FromMinutes(1));
        for (var pass = 0; pass < 8; pass++) await app.RunOnceAsync();
        foreach (var post in blocked) (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Published);
        app.Sandbox.AllMedia.Count.ShouldBe(9, "each once");
        (await app.ReadPersonaAsync(throttled.Id)).ThrottledUntil.ShouldBeNull("the probe's clean answer closed the circuit");
    }

    [Fact]
    public async Task The_whole_app_throttled_stops_every_call_then_one_probe_per_reopening_until_meta_lets_it_through()
    {
        var posts = new List<Post>();
        for (var i = 0; i < 40; i++) posts.Add(await app.AddPostAsync(await app.AddPersonaAsync($"앱제한{i}")));
        // Meta blocks the app for 30 s; the console knows no estimate and waits Posting:RateLimitRetryDelay (15 s) each time.
        app.Sandbox.ThrottleApp(app.Now.AddSeconds(30));
        var opened = app.Now;

        using (app.Sandbox.HoldAnswers())
        {
            (await app.Dispatcher.TickAsync(CancellationToken.None)).ShouldBe(10);
            await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 10); // the first wave is sent before Meta has said anything
        }

        await app.Dispatcher.WhenIdleAsync();
        for (var pass = 0; pass < 5; pass++) (await app.RunOnceAsync()).ShouldBe(0, "no claim while the app circuit is open");
        app.Sandbox.CallsIntoBlock.ShouldBe(0);
        await using (var db = app.CreateDbContext())
        {
            (await db.DispatcherState.SingleAsync()).AppThrottledUntil.ShouldBe(opened.AddSeconds(15));
            (await db.Posts.CountAsync(p => p.Status == PostStatus.Retrying && p.NextAttemptAt == opened.AddSeconds(15))).ShouldBe(10);
        }

        // Reopening 1 (15 s): one probe, refused again (Meta's block runs 30 s): the circuit closes again for 15 s.
        app.Time.Advance(TimeSpan.FromSeconds(15));
        (await app.RunOnceAsync()).ShouldBe(1, "one probe");
        app.Sandbox.CallsIntoBlock.ShouldBe(1);
        (await app.RunOnceAsync()).ShouldBe(0);

        // Reopening 2 (30 s): the probe gets through, the circuit closes, and everything goes out once.
        app.Time.Advance(TimeSpan.FromSeconds(15));
        var waited = Stopwatch.StartNew();
        while (app.Sandbox.AllMedia.Count < posts.Count && waited.Elapsed < TimeSpan.FromSeconds(60)) await app.RunOnceAsync();
        app.Sandbox.AllMedia.Count.ShouldBe(posts.Count);
        app.Sandbox.AllMedia.GroupBy(m => m.Caption).ShouldAllBe(g => g.Count() == 1);
        app.Sandbox.CallsIntoBlock.ShouldBe(1, "one probe per reopening into the block, no more");
    }

    [Fact]
    public async Task An_open_circuit_survives_a_restart_and_a_manual_retry_waits_behind_it()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona);
        app.Sandbox.ThrottleAccount(persona.IgUserId, app.Now.AddMinutes(10), code: 80002, estimate: TimeSpan.FromMinutes(10));
        await app.RunOnceAsync();
        (await app.ReadPostAsync(post.Id)).NextAttemptAt.ShouldBe(app.Now.AddMinutes(10));

        // The operator retries now: the post waits behind the circuit, no call is made.
        (await app.GetService<PostOperations>().RetryAsync(TestActors.Operator, post.Id, TimeSpan.Zero, CancellationToken.None)).Succeeded.ShouldBeTrue();
        // A restarted process: a fresh dispatcher and circuits, knowing only the database.
        var restarted = ActivatorUtilities.CreateInstance<Dispatcher>(app.Services,
            ActivatorUtilities.CreateInstance<ThrottleCircuits>(app.Services));
        (await app.RunOnceAsync(restarted)).ShouldBe(0);
        var waiting = await app.ReadPostAsync(post.Id);
        waiting.NextAttemptAt.ShouldBe(app.Now.AddMinutes(10), "the manual retry waits behind the circuit");
        app.Sandbox.CallsIntoBlock.ShouldBe(0);
    }

    [Fact]
    public async Task Above_90_percent_of_the_app_budget_starts_are_spaced_out()
    {
        app.Sandbox.AppUsagePercent = 92;
        for (var i = 0; i < 6; i++) await app.AddPostAsync(await app.AddPersonaAsync($"사용량{i}"));

        // Meta's answers wait until the pass has claimed (on a slow machine the first answer, at 92 %, could otherwise come
        // back in the middle of the pass and rightly space out its last starts).
        var answers = app.Sandbox.HoldAnswers();
        var claimed = await app.Dispatcher.TickAsync(CancellationToken.None);
        answers.Dispose();
        await app.Dispatcher.WhenIdleAsync();
        claimed.ShouldBe(6, "usage is not known before the first answer");
        for (var i = 0; i < 3; i++) await app.AddPostAsync(await app.AddPersonaAsync($"사용량후{i}"));
        (await app.RunOnceAsync()).ShouldBe(0, "at 92 % the next start waits");
        app.Time.Advance(PostingRules.SpacingFor(92));
        (await app.RunOnceAsync()).ShouldBe(1, "one start per spacing");
        (await app.RunOnceAsync()).ShouldBe(0);
        app.Sandbox.AppUsagePercent = 40;
        app.Time.Advance(PostingRules.SpacingFor(92));
        (await app.RunOnceAsync()).ShouldBe(1, "the answer at 40 % lifts the spacing for the next pass");
        (await app.RunOnceAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_clean_answer_closes_only_a_circuit_whose_reopening_has_come()
    {
        var persona = await app.AddPersonaAsync();
        var circuits = app.GetService<ThrottleCircuits>();
        await circuits.OpenAppAsync(app.Now.AddMinutes(1), CancellationToken.None);

        // Another run's call, sent before the block, answers cleanly: the block Meta just reported stays.
        await circuits.SucceededAsync(persona, PostingConsole.Publishing.Graph.GraphUsage.None, CancellationToken.None);
        circuits.AppUntil.ShouldBe(app.Now.AddMinutes(1));
        circuits.BlockedUntil(persona.Id, app.Now).ShouldBe(app.Now.AddMinutes(1));

        // At the reopening, the probe's clean answer closes it, here and in the database.
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await circuits.SucceededAsync(persona, PostingConsole.Publishing.Graph.GraphUsage.None, CancellationToken.None);
        circuits.AppUntil.ShouldBeNull();
        await using var db = app.CreateDbContext();
        (await db.DispatcherState.SingleAsync()).AppThrottledUntil.ShouldBeNull();
    }
}
