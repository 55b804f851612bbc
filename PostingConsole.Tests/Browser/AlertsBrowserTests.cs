using Microsoft.EntityFrameworkCore;
using PostingConsole.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace PostingConsole.Tests.Browser;

/// <summary>
/// The alerts' page (issue 30) on the demo's data, in Chromium: the demo's alerts with each channel's delivery, the channels (no
/// token shown) with what waits for them, and "테스트 보내기", which says when the channel does not answer; Korean and English.
/// </summary>
[Collection(BrowserCollections.Screens)]
public class AlertsBrowserTests(DemoBrowserFixture fixture)
{
    [Fact]
    public async Task The_alerts_page_lists_alerts_and_each_channels_state_and_sends_a_test()
    {
        // The demo raises its alerts (a dead token, a suspension) within its first runs; the channels do not answer.
        await BrowserFixture.WaitForAsync(async () =>
        {
            await using var db = fixture.App.CreateDbContext();
            return await db.Alerts.AnyAsync(a => a.DeliveryAttempts > 0);
        });

        var page = await fixture.OpenAsync("/alerts");
        await Expect(page.Locator("[data-testid=interactive]")).ToBeAttachedAsync();
        await Expect(page.Locator("[data-testid=channel]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=channel][data-kind=Telegram]")).ToContainTextAsync("chat -1001234567890");
        await Expect(page.Locator("[data-testid=channels]")).Not.ToContainTextAsync("ABC-demo");
        await Expect(page.Locator("[data-testid=channel][data-kind=Slack] [data-testid=channel-state]")).ToContainTextAsync("대기");
        await Expect(page.Locator("[data-testid=recent-alert]").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=alert-deliveries]").First).ToContainTextAsync("Slack");

        await page.Locator("[data-testid=channel][data-kind=Slack] [data-testid=channel-test]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("테스트를 보내지 못했습니다");
        await fixture.ScreenshotAsync(page, "23-alerts-ko");
        await page.CloseAsync();

        var english = await fixture.OpenAsync("/culture/en?redirect=" + Uri.EscapeDataString("/alerts"));
        await Expect(english.Locator("[data-testid=channel][data-kind=Slack] [data-testid=channel-state]")).ToContainTextAsync("waiting");
        await fixture.ScreenshotAsync(english, "23-alerts-en");
        await english.CloseAsync();
    }
}
