using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.ScaleOut;

/// <summary>
/// On PostgreSQL, claims made at the same moment by dispatchers of different processes (each with a connection pool of its
/// own) still keep the shared budget and one post per persona: each claiming statement sees the claims committed before it.
/// </summary>
[Trait("Database", "Postgres")]
public class ClaimsAcrossProcessesTests
{
    [Fact]
    public async Task Twelve_processes_claiming_at_once_never_exceed_the_budget_or_one_post_per_persona()
    {
        const int budget = 4;
        await using var app = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Posting:MaxConcurrency"] = budget.ToString(),
        });
        var dispatchers = Enumerable.Range(0, 12).Select(_ => app.CreateDispatcherOfAnotherProcess()).ToList();
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 8; i++)
            {
                var persona = await app.AddPersonaAsync($"동시{round}-{i}");
                await app.AddPostAsync(persona);
                await app.AddPostAsync(persona);
            }

            using (app.Sandbox.HoldAnswers()) // every run stays in flight until the round is checked
            {
                var ticks = dispatchers.Select(d => Task.Run(() => d.TickAsync(CancellationToken.None))).ToList();
                var claimed = (await Task.WhenAll(ticks)).Sum();
                await using var db = app.CreateDbContext();
                var inFlight = await db.Posts.Where(p => p.Status == PostStatus.InProgress).Select(p => p.PersonaId).ToListAsync();
                inFlight.Count.ShouldBe(claimed);
                inFlight.Count.ShouldBeLessThanOrEqualTo(budget, $"round {round}: Posting:MaxConcurrency across processes");
                inFlight.Count.ShouldBe(budget, $"round {round}: the budget is used");
                inFlight.GroupBy(id => id).ShouldAllBe(g => g.Count() == 1, $"round {round}: one post per persona in flight");
            }

            foreach (var dispatcher in dispatchers) await dispatcher.WhenIdleAsync();
            await using var check = app.CreateDbContext();
            (await check.Posts.CountAsync(p => p.Status == PostStatus.InProgress)).ShouldBe(0);
            // Leave nothing due for the next round but its own posts.
            await check.Posts.Where(p => p.Status != PostStatus.Published).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PostStatus.Cancelled));
        }
    }

    [Fact]
    public async Task A_claim_waits_for_another_processs_uncommitted_claim_and_then_counts_it()
    {
        await using var app = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Posting:MaxConcurrency"] = "1",
        });
        var first = await app.AddPostAsync(await app.AddPersonaAsync("먼저"));
        var second = await app.AddPostAsync(await app.AddPersonaAsync("나중"));
        var dispatcher = app.CreateDispatcherOfAnotherProcess();

        // Another process is in the middle of its claim: the claims lock taken, its UPDATE made, not committed yet.
        await using var other = app.CreateDbContext();
        await using (var claiming = await DatabaseLocks.HoldClaimsLockAsync(other, CancellationToken.None))
        {
            await other.Posts.Where(p => p.Id == first.Id).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, PostStatus.InProgress).SetProperty(p => p.ClaimNumber, p => p.ClaimNumber + 1)
                .SetProperty(p => p.LeaseUntil, app.Now.AddMinutes(2)).SetProperty(p => p.ClaimedBy, "other-process"));

            var tick = Task.Run(() => dispatcher.TickAsync(CancellationToken.None));
            await Condition.WaitUntilAsync(async () => await WaitingForAdvisoryLockAsync(app) == 1 || tick.IsCompleted);
            tick.IsCompleted.ShouldBeFalse("the claim waits for the other process's claim to commit");
            await claiming!.CommitAsync();
            (await tick).ShouldBe(0, "the budget of 1 is the other process's post: nothing more is claimed");
        }

        (await app.ReadPostAsync(second.Id)).Status.ShouldBe(PostStatus.Scheduled);
    }

    [Fact]
    public async Task Processes_claiming_at_once_keep_a_personas_hourly_limit()
    {
        await using var app = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Posting:PerPersonaHourlyLimit"] = "3",
        });
        var persona = await app.AddPersonaAsync("시간당");
        for (var i = 0; i < 8; i++) await app.AddPostAsync(persona);
        var dispatchers = Enumerable.Range(0, 6).Select(_ => app.CreateDispatcherOfAnotherProcess()).ToList();

        // Pass after pass, every process at once, each post published as soon as it is claimed.
        for (var pass = 0; pass < 6; pass++)
        {
            await Task.WhenAll(dispatchers.Select(d => Task.Run(() => d.TickAsync(CancellationToken.None))));
            foreach (var dispatcher in dispatchers) await dispatcher.WhenIdleAsync();
        }

        await using var db = app.CreateDbContext();
        (await db.Posts.CountAsync(p => p.Status == PostStatus.Published)).ShouldBe(3, "Posting:PerPersonaHourlyLimit, all processes together");
        app.Sandbox.AllMedia.Count.ShouldBe(3);
        var waiting = await db.Posts.Where(p => p.Status != PostStatus.Published).ToListAsync();
        waiting.ShouldAllBe(p => p.Status == PostStatus.Scheduled || p.Status == PostStatus.Retrying);
    }

    private static async Task<int> WaitingForAdvisoryLockAsync(EngineHarness app)
    {
        await using var db = app.CreateDbContext();
        // This test's database and the claims lock only (other tests on the cluster take the same keys in their own databases).
        return await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND objid = {(long)DatabaseLocks.Key.Claims}
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """).SingleAsync();
    }
}
