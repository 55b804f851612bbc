using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Worker;

/// <summary>
/// "Never twice" at the edges: Meta at its slowest against the shortest lease the options allow, a run whose claim is
/// taken over mid-call, and an operator's action racing a claim.
/// </summary>
public class FencedClaimTests
{
    [Fact]
    public async Task Meta_answering_every_call_in_25_s_with_the_shortest_lease_allowed_publishes_each_post_exactly_once()
    {
        // Graph:CallTimeout above the answer time; the lease one second above the longest step that allows.
        var callTimeout = TimeSpan.FromSeconds(30);
        var lease = new GraphOptions { CallTimeout = callTimeout }.LongestStep + TimeSpan.FromSeconds(1);
        var clock = new AcceleratedClock(speed: 25);
        var logs = new CapturingLoggerProvider();
        await using var app = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Graph:CallTimeout"] = callTimeout.ToString("c"),
            ["Posting:LeaseDuration"] = lease.ToString("c"),
            ["Logging:LogLevel:PostingConsole"] = "Information",
        }, clock: clock, logs: logs);
        app.Sandbox.Latency = TimeSpan.FromSeconds(25);

        var posts = new List<Post>();
        for (var i = 0; i < 10; i++)
        {
            var persona = await app.AddPersonaAsync($"느린메타{i}");
            // The slowest step there is: the quota read fails twice and is retried in-call, 3 × 25 s before the container POST.
            app.Sandbox.FailNext(persona.IgUserId, SandboxCall.Read, times: 2);
            posts.Add(await app.AddPostAsync(persona));
        }

        // Two dispatchers (as two processes would) pass every few business seconds while the runs are in flight.
        var one = app.CreateDispatcher();
        var two = app.CreateDispatcher();
        var deadline = Stopwatch.StartNew();
        while (await CountAsync(app, p => p.Status != PostStatus.Published) > 0)
        {
            deadline.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), "every post published");
            await one.TickAsync(CancellationToken.None);
            await two.TickAsync(CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(5), clock);
        }

        await one.WhenIdleAsync();
        await two.WhenIdleAsync();
        app.Sandbox.AllMedia.Count.ShouldBe(posts.Count, "one Instagram post per post");
        app.Sandbox.AllMedia.GroupBy(m => m.Caption).ShouldAllBe(g => g.Count() == 1);
        await using var db = app.CreateDbContext();
        (await db.PostAttempts.CountAsync(a => a.Step == "media_publish")).ShouldBe(posts.Count);
        logs.Entries.ShouldNotContain(e => e.Contains("Recovering post") || e.Contains("taken over"), "the heartbeat kept every lease: no claim was taken over");
    }

    [Fact]
    public async Task A_run_whose_claim_was_taken_over_mid_call_writes_nothing_and_sends_nothing_more()
    {
        await using var app = EngineHarness.Start();
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona);
        var dispatcher = app.CreateDispatcher();

        using (app.Sandbox.HoldAnswers())
        {
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(1);
            await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 1); // the quota read waits for Meta
            // Meta takes longer than the lease; the run's lease runs out and another dispatcher takes the post over.
            var lease = app.GetService<IOptions<PostingOptions>>().Value.LeaseDuration;
            app.Time.Advance(lease + TimeSpan.FromSeconds(1));
            await using var db = app.CreateDbContext();
            var leaseUntil = app.Now + lease;
            await db.Posts.Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.ClaimNumber, p => p.ClaimNumber + 1)
                .SetProperty(p => p.LeaseUntil, leaseUntil));
        }

        await dispatcher.WhenIdleAsync();
        app.Sandbox.Calls.ShouldBe(1, "only the quota read that was under way; no container was created");
        app.Sandbox.AllMedia.ShouldBeEmpty();
        var after = await app.ReadPostAsync(post.Id);
        after.Status.ShouldBe(PostStatus.InProgress, "the post is the other dispatcher's now");
        after.ClaimNumber.ShouldBe(2);
        after.Attempts.ShouldBeEmpty("the run that lost its claim saved nothing");
        after.ContainerId.ShouldBeNull();
    }

    [Fact]
    public async Task A_run_without_progress_for_a_whole_lease_stops_and_sends_nothing_more()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = EngineHarness.Start(logs: logs);
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona);
        var dispatcher = app.CreateDispatcher();

        using (app.Sandbox.HoldAnswers())
        {
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(1);
            await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 1); // the quota read waits for Meta
            // Business time runs on while the run hangs (a machine stalled): no progress for longer than the lease, and the
            // lease, no longer renewed, runs out. Then the hung call is given up.
            await Condition.WaitUntilAsync(() =>
            {
                app.Time.Advance(TimeSpan.FromSeconds(1));
                return app.Sandbox.CallsInFlight == 0;
            });
            logs.Entries.ShouldContain(e => e.Contains("no progress for"));
            (await app.ReadPostAsync(post.Id)).LeaseUntil.ShouldNotBeNull().ShouldBeLessThan(app.Now, "stopped only once its lease had run out");
        }

        // Meta answers again: the stopped run makes no further call; its post waits for the lease to run out.
        await dispatcher.WhenIdleAsync();
        app.Sandbox.Calls.ShouldBe(1, "only the quota read that hung");
        var after = await app.ReadPostAsync(post.Id);
        after.Status.ShouldBe(PostStatus.InProgress);
        after.ClaimNumber.ShouldBe(1);
        after.Attempts.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_claim_moved_while_the_lease_was_fresh_never_reaches_media_publish()
    {
        await using var app = EngineHarness.Start();
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona);
        var dispatcher = app.CreateDispatcher();

        using (app.Sandbox.HoldAnswers())
        {
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(1);
            await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 1); // the quota read waits for Meta
            // The claim number moves on while the run's lease is still fresh (no renewal is made before the container).
            await using var db = app.CreateDbContext();
            await db.Posts.Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.ClaimNumber, p => p.ClaimNumber + 1));
        }

        await dispatcher.WhenIdleAsync();
        await using var check = app.CreateDbContext();
        (await check.PostAttempts.CountAsync(a => a.PostId == post.Id && a.Step == "media_publish")).ShouldBe(0);
        app.Sandbox.AllMedia.ShouldBeEmpty("the save before media_publish carries the claim number and was refused");
        var after = await app.ReadPostAsync(post.Id);
        after.ClaimNumber.ShouldBe(2);
        after.ContainerId.ShouldBeNull("nothing of the run that lost its claim was written");
    }

    [Fact]
    [Trait("Database", "SqliteOnly")] // holds this process's SQLite write gate between the retry's read and its save
    public async Task An_operator_retry_that_read_the_post_before_a_claim_gets_a_409_and_the_claim_wins()
    {
        await using var app = EngineHarness.Start();
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona);
        await MakeRetryingDueNowAsync(app, post.Id);
        var gate = app.GetService<SqliteWriteGate>();
        // The operator works on this console; the claim comes from another process on the same file.
        var dispatcher = app.CreateDispatcherOfAnotherProcess();

        Task<OperationResult<Post>> retry;
        using (await gate.HoldAsync())
        {
            retry = app.GetService<PostOperations>().RetryAsync(TestActors.Operator, post.Id, TimeSpan.FromMinutes(30), CancellationToken.None);
            await Condition.WaitUntilAsync(() => gate.Waiting == 1); // it has read the post (Retrying) and waits to save
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(1, "the other process's claim lands between the retry's read and its save");
        }

        var result = await retry;
        result.Status.ShouldBe(OperationStatus.Conflict);
        result.Error.ShouldNotBeNull().ShouldContain("새로고침 후 다시 시도하세요");
        await dispatcher.WhenIdleAsync();
        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published, "the claim's run was not overwritten by the stale retry");
        app.Sandbox.AllMedia.Count.ShouldBe(1);
        await using var db = app.CreateDbContext();
        (await db.AuditLog.CountAsync(a => a.Action == AuditActions.PostRetry)).ShouldBe(0, "the refused retry left no audit row");
    }

    [Fact]
    public async Task An_operator_retry_racing_claims_never_lands_beside_one()
    {
        await using var app = EngineHarness.Start();
        var persona = await app.AddPersonaAsync();
        var operations = app.GetService<PostOperations>();
        for (var round = 0; round < 25; round++)
        {
            var post = await app.AddPostAsync(persona);
            await MakeRetryingDueNowAsync(app, post.Id);
            var dispatcher = app.CreateDispatcher();
            var claim = dispatcher.TickAsync(CancellationToken.None);
            var retry = operations.RetryAsync(TestActors.Operator, post.Id, TimeSpan.FromMinutes(30), CancellationToken.None);
            var (claimed, retried) = (await claim, await retry);
            await dispatcher.WhenIdleAsync();

            (claimed == 1 ^ retried.Succeeded).ShouldBeTrue($"round {round}: exactly one wins (claimed {claimed}, retry {retried.Status})");
            var after = await app.ReadPostAsync(post.Id);
            after.Status.ShouldBe(claimed == 1 ? PostStatus.Published : PostStatus.Scheduled, $"round {round}");
            // A retried post would fall due in a later round and be claimed there, beside that round's post.
            if (retried.Succeeded) (await operations.CancelAsync(TestActors.Operator, post.Id, CancellationToken.None)).Succeeded.ShouldBeTrue();
            app.Time.Advance(TimeSpan.FromHours(1)); // out of the rolling hour's limit
        }
    }

    private static async Task MakeRetryingDueNowAsync(EngineHarness app, int postId)
    {
        await using var db = app.CreateDbContext();
        var post = await db.Posts.SingleAsync(p => p.Id == postId);
        post.Claim("earlier-run", post.ClaimNumber + 1, app.Now, app.Now);
        post.ScheduleRetry(FailureReason.RateLimited, "code 4", app.Now, app.Now);
        await db.SaveChangesAsync();
    }

    private static async Task<int> CountAsync(EngineHarness app, System.Linq.Expressions.Expression<Func<Post, bool>> predicate)
    {
        await using var db = app.CreateDbContext();
        return await db.Posts.CountAsync(predicate);
    }
}
