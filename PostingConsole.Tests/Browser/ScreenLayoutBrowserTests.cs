using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PostingConsole.Tests.Browser;

/// <summary>
/// The screens at the widths operators' monitors give them (1280 and 1440 px): the personas board's actions are on screen, not cut
/// off; table headers never break inside a Korean word ("페르소 나"); a video post shows a frame of its video, not a black box.
/// </summary>
[Collection(BrowserCollections.Screens)]
public class ScreenLayoutBrowserTests(DemoBrowserFixture fixture)
{
    /// <summary>The headers of a table whose text runs over more than one line.</summary>
    private const string WrappedHeaders = """
        table => [...document.querySelectorAll(`[data-testid=${table}] th`)].filter(th => {
          const range = document.createRange();
          range.selectNodeContents(th);
          return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
        }).map(th => th.innerText)
        """;

    [Theory]
    [InlineData(1280)]
    [InlineData(1440)]
    public async Task The_board_failures_and_queue_fit_the_screen(int width)
    {
        var board = await OpenAtAsync("/personas", width);
        await Expect(board.Locator("[data-testid=persona-row]").First).ToBeVisibleAsync();
        var pause = board.Locator("[data-testid=pause]").First;
        await Expect(pause).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(board, $"20-personas-{width}");
        var box = (await pause.BoundingBoxAsync()).ShouldNotBeNull();
        (box.X + box.Width).ShouldBeLessThanOrEqualTo(width, "the row's actions are on screen");
        (await board.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("the board does not run off the screen");
        (await board.EvaluateAsync<string[]>(WrappedHeaders, "personas-table")).ShouldBeEmpty();

        var failures = await OpenAtAsync("/failures", width);
        await Expect(failures.Locator("[data-testid=failures-table] th").First).ToBeVisibleAsync();
        (await failures.EvaluateAsync<string[]>(WrappedHeaders, "failures-table")).ShouldBeEmpty("no header breaks inside a word");
        await fixture.ScreenshotAsync(failures, $"21-failures-{width}");

        var reels = await OpenAtAsync("/?history=true&media=REELS", width);
        var video = reels.Locator("video[data-testid=thumbnail-video]").First;
        await Expect(video).ToBeAttachedAsync();
        // The browser has read the video's start: a frame to show, not a black box.
        await reels.WaitForFunctionAsync("() => [...document.querySelectorAll('video[data-testid=thumbnail-video]')].some(v => v.readyState >= 2 && v.videoWidth > 0)",
            null, new() { Timeout = BrowserFixture.Patience });
        await fixture.ScreenshotAsync(reels, $"22-reels-{width}");
    }

    private async Task<IPage> OpenAtAsync(string path, int width)
    {
        var page = await fixture.OpenAsync(path);
        await page.SetViewportSizeAsync(width, 900);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return page;
    }
}
