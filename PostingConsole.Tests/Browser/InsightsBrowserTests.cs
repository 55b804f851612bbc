using System.Net.Http.Json;
using Microsoft.Playwright;
using PostingConsole.Api;
using PostingConsole.Insights;
using PostingConsole.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace PostingConsole.Tests.Browser;

/// <summary>
/// What posts achieved and where slotted posts went, on the demo's data in Chromium (issue 26): a published post of the demo's
/// history shows its insights read; a post put on the queue with a slot shows its time's reason; the personas board re-slots a
/// persona after asking; screenshots in Korean and English.
/// </summary>
[Collection(BrowserCollections.Screens)]
public class InsightsBrowserTests(DemoBrowserFixture fixture)
{
    [Fact]
    public async Task A_posts_results_and_a_slotted_posts_reason_are_shown_and_a_persona_is_reslotted()
    {
        // The demo's history: its reads are due at once; the minute's passes, run now until a post of persona 1 has one.
        var reader = fixture.App.GetService<InsightsReader>();
        PersonaInsightsResponse? results = null;
        await BrowserFixture.WaitForAsync(async () =>
        {
            await reader.RunAsync(CancellationToken.None);
            results = await fixture.Api.GetFromJsonAsync<PersonaInsightsResponse>("/api/personas/1/insights", ApiClientExtensions.Json);
            return results!.Posts.Count > 0;
        });

        var readPost = results!.Posts[0];
        var page = await fixture.OpenAsync($"/posts/{readPost.PostId}");
        await Expect(page.Locator("[data-testid=interactive]")).ToBeAttachedAsync();
        var insights = page.Locator("[data-testid=insights]");
        await Expect(insights).ToContainTextAsync("성과");
        await Expect(insights.Locator("[data-testid=insight-read]").First).ToContainTextAsync(readPost.Last.Reach!.Value.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("ko-KR")));
        await fixture.ScreenshotAsync(page, "14-insights-ko");
        await page.CloseAsync();

        // A post with a slot instead of a time: its time and why.
        var created = await fixture.Api.PostAsJsonAsync("/api/posts", new { personaId = 1, imagePath = "demo/demo-01.jpg", caption = "자동 배치 포스트", slot = "auto" });
        var slotted = await created.ReadAsync<PostResponse>();
        slotted.Slotted.ShouldBeTrue();
        var detail = await fixture.OpenAsync($"/posts/{slotted.Id}");
        await Expect(detail.Locator("[data-testid=slot-reason]")).ToContainTextAsync("—");
        await fixture.ScreenshotAsync(detail, "15-slot-reason-ko");
        await detail.CloseAsync();

        // 다시 배치, after a confirmation.
        var personas = await fixture.OpenAsync("/personas");
        await personas.Locator("[data-testid=reslot]").First.ClickAsync();
        await personas.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "다시 배치", Exact = true }).ClickAsync();
        await Expect(personas.Locator(".mud-snackbar", new() { HasText = "옮겼습니다" })).ToBeVisibleAsync();
        await personas.CloseAsync();

        var english = await fixture.OpenAsync("/culture/en?redirect=" + Uri.EscapeDataString($"/posts/{readPost.PostId}"));
        await Expect(english.Locator("[data-testid=insights]")).ToContainTextAsync("Results (insights)");
        await fixture.ScreenshotAsync(english, "14-insights-en");
        await english.CloseAsync();
    }
}
