using System.Net.Http.Json;
using Microsoft.Playwright;
using PostingConsole.Api;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace PostingConsole.Tests.Browser;

/// <summary>
/// The calendar and the grid preview in Chromium (issue 27), on posts of their own: a chip dragged to another day and hour (the API
/// answers the new time), undone; three selected and moved an hour; a persona's grid where two upcoming posts swap their times.
/// Screenshots of each view in Korean and English.
/// </summary>
[Collection(BrowserCollections.LiveUpdates)]
public class CalendarBrowserTests(BrowserFixture fixture)
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    private async Task<(int PersonaId, List<PostResponse> Posts)> SeedAsync(string name, DateTime dayLocal, params int[] hours)
    {
        var persona = await fixture.Api.CreatePersonaAsync(name);
        var posts = new List<PostResponse>();
        foreach (var hour in hours)
        {
            var at = new DateTimeOffset(dayLocal.AddHours(hour).AddMinutes(20), TimeSpan.FromHours(9));
            var created = await fixture.Api.PostAsJsonAsync("/api/posts", new { personaId = persona.Id, imagePath = "demo/demo-01.jpg", caption = $"{name} {hour}", scheduledAt = at.ToString("yyyy-MM-ddTHH:mm:sszzz") });
            posts.Add(await created.ReadAsync<PostResponse>());
        }

        return (persona.Id, posts);
    }

    private async Task<DateTime> LocalTimeOf(int postId)
    {
        var post = await fixture.Api.GetFromJsonAsync<PostResponse>($"/api/posts/{postId}", ApiClientExtensions.Json);
        return TimeZoneInfo.ConvertTimeFromUtc(post!.ScheduledAt, Seoul);
    }

    /// <summary>
    /// Drags <paramref name="source"/> onto <paramref name="target"/> until <paramref name="done"/> (MudBlazor starts a drag on the
    /// server when the browser's dragstart arrives: on a machine busy with the rest of the suite, a drop can come before it, and the
    /// browser then drops nothing; a person drags again, so does the test). Dropping a chip where it already is changes nothing.
    /// </summary>
    private static async Task DragAsync(ILocator source, ILocator target, Func<Task<bool>> done)
    {
        for (var attempt = 1; ; attempt++)
        {
            await source.DragToAsync(target);
            try
            {
                await BrowserFixture.WaitForAsync(done, TimeSpan.FromSeconds(attempt < 4 ? 10 : 40));
                return;
            }
            catch (TimeoutException) when (attempt < 4)
            {
                // Not taken: again.
            }
        }
    }

    [Fact]
    public async Task A_post_is_dragged_to_another_day_and_hour_undone_three_move_an_hour_and_a_grid_swaps_two()
    {
        // Next week's Wednesday (in Seoul): far enough that no post falls due while the test runs.
        var today = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, Seoul).Date;
        var wednesday = today.AddDays(7 - ((int)today.DayOfWeek + 6) % 7 + 2);
        var (personaId, posts) = await SeedAsync("캘린더", wednesday, 9, 10, 11);
        var page = await fixture.OpenAsync($"/calendar?view=week&date={wednesday:yyyy-MM-dd}&persona={personaId}");
        var chip = page.Locator($"[data-testid=cal-chip][data-post-id='{posts[0].Id}']");
        await Expect(chip).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "18-calendar-week-ko");

        // Another operator's calendar on the same week, open beside it (a Viewer's: no drag there).
        var watcher = await fixture.OpenAsync($"/calendar?view=week&date={wednesday:yyyy-MM-dd}&persona={personaId}", role: PostingConsole.Domain.Roles.Viewer);
        await Expect(watcher.Locator($"[data-testid=cal-chip][data-post-id='{posts[0].Id}']")).ToBeVisibleAsync();
        (await watcher.Locator("[data-testid=cal-move]").CountAsync()).ShouldBe(0, "a Viewer cannot move posts");

        // Drag Wednesday 09:20 to Friday 15:00's cell: Friday 15:20.
        var friday = wednesday.AddDays(2);
        await DragAsync(chip, page.Locator($"[data-cell='{friday:yyyy-MM-dd}T15'] .cal-zone"), async () => await LocalTimeOf(posts[0].Id) == friday.AddHours(15).AddMinutes(20));
        await Expect(page.Locator($"[data-cell='{friday:yyyy-MM-dd}T15'] [data-post-id='{posts[0].Id}']")).ToBeVisibleAsync();
        // Pushed to the other open calendar: the chip moves there too.
        await Expect(watcher.Locator($"[data-cell='{friday:yyyy-MM-dd}T15'] [data-post-id='{posts[0].Id}']")).ToBeVisibleAsync();
        await watcher.CloseAsync();

        // Undo, from the snackbar, within its seconds.
        await page.Locator(".mud-snackbar").GetByRole(AriaRole.Button, new() { Name = "실행 취소" }).ClickAsync();
        await BrowserFixture.WaitForAsync(async () => await LocalTimeOf(posts[0].Id) == wednesday.AddHours(9).AddMinutes(20));

        // Select three and move them an hour later.
        foreach (var post in posts) await page.Locator($"[data-testid=cal-chip][data-post-id='{post.Id}'] [data-testid=cal-select]").CheckAsync();
        await Expect(page.Locator("[data-testid=cal-selected-count]")).ToContainTextAsync("3");
        await page.Locator("[data-testid=cal-move-later]").ClickAsync();
        foreach (var (post, hour) in posts.Zip([10, 11, 12]))
            await BrowserFixture.WaitForAsync(async () => await LocalTimeOf(post.Id) == wednesday.AddHours(hour).AddMinutes(20));

        // By keyboard: the chip's move menu, a day later.
        // (The chips render again as the three moves arrive: a key press on a button just replaced reaches nothing; press again.)
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator($"[data-testid=cal-chip][data-post-id='{posts[2].Id}'] [data-testid=cal-move]").PressAsync("Enter");
            try
            {
                await Expect(page.Locator(".mud-dialog [data-testid=move-day]")).ToBeVisibleAsync(new() { Timeout = 5_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 5)
            {
            }
        }

        await page.Locator(".mud-dialog [data-testid=move-day]").ClickAsync();
        await BrowserFixture.WaitForAsync(async () => await LocalTimeOf(posts[2].Id) == wednesday.AddDays(1).AddHours(12).AddMinutes(20));

        await page.GotoAsync($"{fixture.BaseUrl}/calendar?view=month&date={wednesday:yyyy-MM-dd}&persona={personaId}");
        await Expect(page.Locator($"[data-cell='{wednesday:yyyy-MM-dd}'] [data-post-id='{posts[0].Id}']")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "18-calendar-month-ko");
        await page.GotoAsync($"{fixture.BaseUrl}/calendar?view=day&date={wednesday:yyyy-MM-dd}&persona={personaId}");
        await Expect(page.Locator($"[data-cell='{wednesday:yyyy-MM-dd}T10'] [data-post-id='{posts[0].Id}']")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "18-calendar-day-ko");
        await page.CloseAsync();

        // The persona's grid: upcoming posts newest first; the first two swap by drag.
        var grid = await fixture.OpenAsync($"/personas/{personaId}/grid");
        var tiles = grid.Locator("[data-testid=grid-upcoming]");
        await Expect(tiles).ToHaveCountAsync(3);
        var first = await tiles.Nth(0).GetAttributeAsync("data-post-id");
        var second = await tiles.Nth(1).GetAttributeAsync("data-post-id");
        var (firstAt, secondAt) = (await LocalTimeOf(int.Parse(first!)), await LocalTimeOf(int.Parse(second!)));
        await fixture.ScreenshotAsync(grid, "19-grid-ko");
        await DragAsync(grid.Locator($"[data-testid=grid-upcoming][data-post-id='{first}']"), grid.Locator("[data-testid=grid] .grid-square").Nth(1),
            async () => await LocalTimeOf(int.Parse(first!)) == secondAt && await LocalTimeOf(int.Parse(second!)) == firstAt);
        await grid.CloseAsync();

        foreach (var (path, shot) in new[]
                 {
                     ($"/calendar?view=week&date={wednesday:yyyy-MM-dd}&persona={personaId}", "18-calendar-week-en"),
                     ($"/calendar?view=month&date={wednesday:yyyy-MM-dd}&persona={personaId}", "18-calendar-month-en"),
                     ($"/calendar?view=day&date={wednesday:yyyy-MM-dd}&persona={personaId}", "18-calendar-day-en"),
                     ($"/personas/{personaId}/grid", "19-grid-en"),
                 })
        {
            var english = await fixture.OpenAsync("/culture/en?redirect=" + Uri.EscapeDataString(path));
            await Expect(english.Locator("[data-testid=interactive]")).ToBeAttachedAsync();
            await fixture.ScreenshotAsync(english, shot);
            await english.CloseAsync();
        }
    }
}
