using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using PostingConsole.Components.Pages.Calendar;
using PostingConsole.Components.Shared;
using PostingConsole.Domain;
using PostingConsole.Security;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Components;

/// <summary>
/// The calendar (issue 27) rendered by bUnit over a real SQLite file: posts placed in the right cells across a week boundary in
/// the operator's time zone (Asia/Seoul), a drop making the same edit as "스케줄 수정" (its confirmation for a past time, its 409),
/// and a Viewer who cannot drag.
/// </summary>
public class CalendarScreenTests : ConsoleComponentTest
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    private static DateTime Kst(int month, int day, int hour, int minute) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(2026, month, day, hour, minute, 0, DateTimeKind.Unspecified), Seoul);

    private bool providers;

    /// <summary>The calendar at <c>/calendar?{query}</c> (the dialog, popover and snackbar providers rendered once per test).</summary>
    private IRenderedComponent<CalendarPage> Open(string query)
    {
        Service<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/calendar?{query}");
        if (providers) return Context.Render<CalendarPage>();
        providers = true;
        return RenderPage<CalendarPage>();
    }

    private static string CellOf(IRenderedComponent<CalendarPage> page, int postId) =>
        page.Find($"[data-testid=cal-chip][data-post-id='{postId}']").Closest("[data-cell]")!.GetAttribute("data-cell")!;

    [Fact]
    public async Task Posts_fall_in_their_hour_and_day_cells_across_a_week_boundary_in_the_operator_s_time_zone()
    {
        // Sunday 23:30 and Monday 00:30 in Seoul: on the same UTC day (14:30 and 15:30 UTC), in two different weeks.
        var (_, sunday) = await SeedAsync(at: Kst(11, 29, 23, 30));
        var (_, monday) = await SeedAsync(at: Kst(11, 30, 0, 30));

        var week = Open("view=week&date=2026-11-30");
        week.WaitForAssertion(() => CellOf(week, monday.Id).ShouldBe("2026-11-30T00"));
        week.FindAll($"[data-post-id='{sunday.Id}']").ShouldBeEmpty("Sunday belongs to the week before (weeks start on Monday)");
        week.Find("[data-testid=cal-range]").TextContent.ShouldBe("2026-11-30 – 12-06");

        var before = Open("view=week&date=2026-11-29");
        before.WaitForAssertion(() => CellOf(before, sunday.Id).ShouldBe("2026-11-29T23"));
        before.FindAll($"[data-post-id='{monday.Id}']").ShouldBeEmpty();

        var month = Open("view=month&date=2026-11-15");
        month.WaitForAssertion(() => (CellOf(month, sunday.Id), CellOf(month, monday.Id)).ShouldBe(("2026-11-29", "2026-11-30")));

        var day = Open("view=day&date=2026-11-30");
        day.WaitForAssertion(() => CellOf(day, monday.Id).ShouldBe("2026-11-30T00"));
        day.FindAll("[data-cell]").Count.ShouldBe(24);
    }

    [Fact]
    public async Task A_drop_is_the_schedule_edit_keeping_the_minutes_and_it_is_audited()
    {
        var (_, post) = await SeedAsync(at: Kst(11, 25, 9, 40));
        var page = Open("view=week&date=2026-11-25");
        page.WaitForAssertion(() => CellOf(page, post.Id).ShouldBe("2026-11-25T09"));

        await Drop(page, post.Id, "2026-11-27T15");

        await AssertEventually(async () =>
        {
            await using var db = Db();
            (await db.Posts.SingleAsync(p => p.Id == post.Id)).ScheduledAt.ShouldBe(Kst(11, 27, 15, 40));
        });
        page.WaitForAssertion(() => CellOf(page, post.Id).ShouldBe("2026-11-27T15"));
        await using (var db = Db())
        {
            (await db.AuditLog.SingleAsync(a => a.Action == AuditActions.PostEdit)).Target.ShouldBe($"post {post.Id}");
        }

        Host.WaitForAssertion(() => Host.Markup.ShouldContain("실행 취소"), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_drop_on_a_time_that_has_passed_asks_first_and_a_post_claimed_meanwhile_is_refused()
    {
        var (_, post) = await SeedAsync(at: Kst(11, 25, 9, 40));
        var page = Open("view=week&date=2026-11-23");
        page.WaitForAssertion(() => CellOf(page, post.Id).ShouldBe("2026-11-25T09"));

        // Now is 2026-11-24 12:00 in Seoul: Monday 08:00 has passed. The question publish-now asks, then the edit.
        var drop = Drop(page, post.Id, "2026-11-23T08");
        ConfirmWith("지금 게시");
        await drop;
        await AssertEventually(async () =>
        {
            await using var db = Db();
            (await db.Posts.SingleAsync(p => p.Id == post.Id)).ScheduledAt.ShouldBe(Kst(11, 23, 8, 40));
        });

        // Claimed by the dispatcher meanwhile: the same 409 the dialog gets, nothing moved.
        await using (var db = Db())
        {
            await db.Posts.Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PostStatus.InProgress));
        }

        await Drop(page, post.Id, "2026-11-26T10");
        Host.WaitForAssertion(() => Host.Markup.ShouldContain("cannot be edited"), TimeSpan.FromSeconds(5));
        await using (var db = Db())
        {
            (await db.Posts.SingleAsync(p => p.Id == post.Id)).ScheduledAt.ShouldBe(Kst(11, 23, 8, 40));
        }
    }

    [Fact]
    public async Task A_post_that_cannot_move_cannot_be_dragged()
    {
        var (_, published) = await SeedAsync(target: PostStatus.Published, at: Kst(11, 24, 9, 0));
        var (_, waiting) = await SeedAsync(at: Kst(11, 25, 9, 40));
        var page = Open("view=week&date=2026-11-24");
        page.WaitForAssertion(() => CellOf(page, waiting.Id).ShouldBe("2026-11-25T09"));

        var container = page.FindComponent<MudDropContainer<Post>>().Instance;
        container.ItemDisabled!(await ReadAsync(published.Id)).ShouldBeTrue("a published post stays where it went out");
        container.ItemDisabled!(await ReadAsync(waiting.Id)).ShouldBeFalse();
        page.FindAll($"[data-post-id='{published.Id}'] [data-testid=cal-move]").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_viewer_cannot_drag_select_or_move()
    {
        SignInAs(Roles.Viewer);
        var (_, post) = await SeedAsync(at: Kst(11, 25, 9, 40));
        var page = Open("view=week&date=2026-11-25");
        page.WaitForAssertion(() => CellOf(page, post.Id).ShouldBe("2026-11-25T09"));

        var container = page.FindComponent<MudDropContainer<Post>>().Instance;
        container.ItemDisabled!(await ReadAsync(post.Id)).ShouldBeTrue("a Viewer's chips are not draggable");
        page.FindAll("[data-testid=cal-move]").ShouldBeEmpty();
        page.FindAll("[data-testid=cal-select]").ShouldBeEmpty();
        page.FindAll("[data-testid=cal-selection]").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_change_made_elsewhere_reads_that_post_alone_and_puts_it_in_place()
    {
        var (_, moved) = await SeedAsync(at: Kst(11, 25, 9, 40));
        var (_, cancelled) = await SeedAsync("민지", at: Kst(11, 25, 10, 0));
        var (_, quiet) = await SeedAsync("하나", at: Kst(11, 25, 11, 0));
        var page = Open("view=week&date=2026-11-25&status=Scheduled");
        page.WaitForAssertion(() => CellOf(page, quiet.Id).ShouldBe("2026-11-25T11"));

        // Changed where no event is published (another console process on the database): a patch does not read it.
        await using (var db = Db())
        {
            await db.Posts.Where(p => p.Id == quiet.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.ScheduledAt, Kst(11, 26, 8, 0)));
        }

        var operations = Service<PostingConsole.Operations.PostOperations>();
        (await operations.EditAsync(TestActors.Operator, moved.Id, new PostingConsole.Operations.PostEdit(null, null, Kst(11, 27, 15, 40)), default)).Succeeded.ShouldBeTrue();
        page.WaitForAssertion(() => CellOf(page, moved.Id).ShouldBe("2026-11-27T15"), TimeSpan.FromSeconds(5));
        CellOf(page, quiet.Id).ShouldBe("2026-11-25T11", "only the post the event named was read again");

        // Cancelled: no longer in the view's filter (Scheduled), so it leaves (a refresh comes at most every quarter second).
        Time.Advance(LiveComponentBase.MinRefreshInterval);
        (await operations.CancelAsync(TestActors.Operator, cancelled.Id, default)).Succeeded.ShouldBeTrue();
        page.WaitForAssertion(() => page.FindAll($"[data-post-id='{cancelled.Id}']").ShouldBeEmpty(), TimeSpan.FromSeconds(5));

        // Created elsewhere in the range: it arrives.
        Time.Advance(LiveComponentBase.MinRefreshInterval);
        var (_, created) = await SeedAsync("새별", at: Kst(11, 28, 9, 0));
        Service<PostingConsole.Notifications.EventHub>().Publish(
            new PostingConsole.Notifications.PostChanged(DateTime.UtcNow, created.Id, created.PersonaId, PostStatus.Scheduled, null));
        page.WaitForAssertion(() => CellOf(page, created.Id).ShouldBe("2026-11-28T09"), TimeSpan.FromSeconds(5));

        // A navigation loads the range again, and sees what no event told.
        var again = Open("view=week&date=2026-11-25&status=Scheduled");
        again.WaitForAssertion(() => CellOf(again, quiet.Id).ShouldBe("2026-11-26T08"));
    }

    private async Task<Post> ReadAsync(int id)
    {
        await using var db = Db();
        return await db.Posts.AsNoTracking().SingleAsync(p => p.Id == id);
    }

    /// <summary>What MudBlazor's drop container does when a chip is dropped on a cell: its ItemDropped with the cell's identifier.</summary>
    private static Task Drop(IRenderedComponent<CalendarPage> page, int postId, string cell)
    {
        var container = page.FindComponent<MudDropContainer<Post>>();
        var post = container.Instance.Items!.Single(p => p.Id == postId);
        return page.InvokeAsync(() => container.Instance.ItemDropped.InvokeAsync(new MudItemDropInfo<Post>(post, cell, 0)));
    }
}
