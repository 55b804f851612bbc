using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Publishing;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Worker;

/// <summary>
/// <c>Posting:MaxConcurrency</c> counts every Graph call, not only the queue's runs: a call made outside a run (the permalink
/// backfill, the account check, an operator's container check) takes a place in the same budget, on both providers.
/// </summary>
public class GraphCallBudgetTests
{
    private static EngineHarness StartWithBudget(int maxConcurrency) =>
        EngineHarness.Start(new Dictionary<string, string?> { ["Posting:MaxConcurrency"] = maxConcurrency.ToString() });

    [Fact]
    public async Task A_permalink_backfill_and_the_queue_never_have_more_calls_in_flight_than_the_budget()
    {
        await using var app = StartWithBudget(2);
        var earlier = await app.AddPostAsync(await app.AddPersonaAsync("링크없음"));
        (await app.RunOnceAsync()).ShouldBe(1);
        await using (var db = app.CreateDbContext())
        {
            // Published, but its permalink read was lost: the backfill's work.
            await db.Posts.Where(p => p.Id == earlier.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Permalink, (string?)null));
        }

        await app.AddPostAsync(await app.AddPersonaAsync("하나"));
        await app.AddPostAsync(await app.AddPersonaAsync("둘"));
        var dispatcher = app.CreateDispatcher();
        var backfill = app.GetService<PermalinkBackfill>();
        Task<int> reading;
        using (app.Sandbox.HoldAnswers())
        {
            // The backfill's read waits for Meta; the queue gets what is left of the budget.
            reading = backfill.RunAsync(CancellationToken.None);
            await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 1);
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(1, "one place of two is the backfill's");
            await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 2);
            var calls = app.Sandbox.Calls;

            // The budget is spent: a second pass makes no call (were it to call, it would wait for Meta's held answer).
            (await backfill.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0);
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(0);
            app.Sandbox.Calls.ShouldBe(calls, "no Graph call beyond the budget");
        }

        (await reading).ShouldBe(1);
        (await app.ReadPostAsync(earlier.Id)).Permalink.ShouldStartWith("https://www.instagram.com/p/");
        await dispatcher.WhenIdleAsync();
        (await app.RunOnceAsync(dispatcher)).ShouldBe(1, "the place the backfill gave back");
        app.Sandbox.MaxCallsInFlight.ShouldBe(2);
    }

    [Fact]
    public async Task A_side_call_slot_is_counted_by_the_claim_and_a_dead_holders_slot_frees_itself()
    {
        await using var app = StartWithBudget(3);
        var budget = app.GetService<GraphCallBudget>();
        // Another process's account check holds a place (and dies holding it).
        var held = await budget.TryTakeAsync(CancellationToken.None);
        held.ShouldNotBeNull();
        var posts = new List<Post>();
        for (var i = 0; i < 3; i++) posts.Add(await app.AddPostAsync(await app.AddPersonaAsync($"예산{i}")));

        var dispatcher = app.CreateDispatcher();
        using (app.Sandbox.HoldAnswers())
        {
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(2, "3 places, one held by a side call");
            (await budget.TryTakeAsync(CancellationToken.None)).ShouldBeNull("2 runs + 1 side call: the budget is spent");
        }

        await dispatcher.WhenIdleAsync();
        // The holder never gives it back: the slot frees itself once the longest call it could have made is over.
        var longest = app.GetService<IOptions<GraphOptions>>().Value.LongestStep;
        app.Time.Advance(longest + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await using (var db = app.CreateDbContext())
        {
            (await db.GraphCallSlots.CountAsync(s => s.Until > app.Now)).ShouldBe(0);
        }

        (await app.RunOnceAsync(dispatcher)).ShouldBe(1, "the third post, with the whole budget free again");
        var slots = new List<IAsyncDisposable>();
        for (var i = 0; i < 3; i++) slots.Add((await budget.TryTakeAsync(CancellationToken.None)).ShouldNotBeNull());
        (await budget.TryTakeAsync(CancellationToken.None)).ShouldBeNull("three side calls fill a budget of three");
        await slots[0].DisposeAsync();
        (await budget.TryTakeAsync(CancellationToken.None)).ShouldNotBeNull("a slot given back is free at once");
        foreach (var post in posts) (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Published);
    }

    [Fact]
    public async Task An_account_check_that_waits_for_a_place_reserves_it_and_the_queue_drains_until_its_calls_fit()
    {
        await using var app = StartWithBudget(2);
        await app.AddPostAsync(await app.AddPersonaAsync("하나"));
        await app.AddPostAsync(await app.AddPersonaAsync("둘"));
        var later = await app.AddPersonaAsync("셋");
        var dispatcher = app.CreateDispatcherOfAnotherProcess(); // the queue of another process on the database
        Task<AccountCheckResult> checking;
        using (app.Sandbox.HoldAnswers())
        {
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(2);
            await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 2);
            var calls = app.Sandbox.Calls;

            // The check reserves its places (two at a time) at once, though the queue's runs hold the whole budget.
            checking = app.GetService<AccountCheck>().RunAsync(CancellationToken.None);
            await Condition.WaitUntilAsync(async () =>
            {
                await using var db = app.CreateDbContext();
                return await db.GraphCallSlots.CountAsync(s => s.Until > app.Now) == 2;
            });

            // A post falling due now is not claimed: the reservations stand in its way, so the check is not starved.
            await app.AddPostAsync(later);
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(0);
            app.Sandbox.Calls.ShouldBe(calls, "the check waits for the runs; no call beyond the budget");
        }

        await dispatcher.WhenIdleAsync();
        (await checking.WaitAsync(TimeSpan.FromSeconds(60))).Checked.ShouldBe(3, "the runs done, the check's calls fit");
        (await app.RunOnceAsync(dispatcher)).ShouldBe(1, "the slots given back, the queue goes on");
        app.Sandbox.MaxCallsInFlight.ShouldBeLessThanOrEqualTo(2);
    }
}
