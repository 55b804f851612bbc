using System.Net.Http.Json;
using Microsoft.Playwright;
using PostingConsole.Api;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace PostingConsole.Tests.Browser;

/// <summary>
/// What a post carries beside its media, on the demo's data in Chromium (issue 28): the first-minute carousel goes out with its
/// collaborators, location and first comment, and its page shows them and what the simulated Instagram recorded; the queue marks
/// labelled posts; a waiting post's options are edited in a dialog. Screenshots in Korean and English.
/// </summary>
[Collection(BrowserCollections.Screens)]
public class PostFieldsBrowserTests(DemoBrowserFixture fixture)
{
    [Fact]
    public async Task The_demo_carousel_goes_out_with_collaborators_and_its_first_comment_and_a_waiting_post_s_options_are_edited()
    {
        // The demo's first-minute carousel (persona 2's first post): published, its comment posted under it.
        var carousels = await fixture.Api.GetFromJsonAsync<PostListResponse>("/api/posts?mediaType=CAROUSEL&personaId=2", ApiClientExtensions.Json);
        var carousel = carousels!.Items.OrderBy(p => p.ScheduledAt).First();
        carousel.Collaborators.ShouldBe(["sora.lee", "jun_ho"]);
        await BrowserFixture.WaitForAsync(async () =>
        {
            var read = await fixture.Api.GetFromJsonAsync<PostResponse>($"/api/posts/{carousel.Id}", ApiClientExtensions.Json);
            return read!.Status == PostStatus.Published && read.FirstComment?.Status == "Posted";
        }, TimeSpan.FromMinutes(2));

        var page = await fixture.OpenAsync($"/posts/{carousel.Id}");
        var options = page.Locator("[data-testid=post-fields]");
        await Expect(options.Locator("[data-testid=collaborators]")).ToHaveTextAsync("@sora.lee, @jun_ho");
        await Expect(options.Locator("[data-testid=ai-label]")).ToContainTextAsync("AI 정보");
        await Expect(options.Locator("[data-testid=first-comment-state]")).ToContainTextAsync("게시됨");
        var simulated = page.Locator("[data-testid=sandbox-media]");
        await Expect(simulated.Locator("[data-testid=sandbox-collaborators]")).ToContainTextAsync("@sora.lee");
        await Expect(simulated.Locator("[data-testid=sandbox-comment]")).ToContainTextAsync("함께한 친구들");
        await fixture.ScreenshotAsync(page, "16-post-options-ko");
        await page.CloseAsync();

        // The queue marks labelled posts.
        var queue = await fixture.OpenAsync("/");
        await Expect(queue.Locator("[data-testid=ai-label-badge]").First).ToBeVisibleAsync();
        await queue.CloseAsync();

        // A waiting photo's options, edited in the dialog as Meta's rules allow.
        var photos = await fixture.Api.GetFromJsonAsync<PostListResponse>("/api/posts?mediaType=IMAGE&status=Scheduled&personaId=30", ApiClientExtensions.Json);
        var photo = photos!.Items.OrderByDescending(p => p.ScheduledAt).First();
        var detail = await fixture.OpenAsync($"/posts/{photo.Id}");
        await detail.Locator("[data-testid=edit-fields]").ClickAsync();
        var dialog = detail.Locator(".mud-dialog");
        await dialog.GetByLabel("대체 텍스트").FillAsync("창가에 앉은 고양이");
        var collaborators = dialog.GetByLabel("공동 작업자 (최대 3명, 쉼표로 구분)");
        await collaborators.FillAsync("@a, b, c, d");
        await Expect(dialog.Locator("[data-testid=fields-problem]")).ToContainTextAsync("at most 3");
        await Expect(dialog.Locator("[data-testid=fields-save]")).ToBeDisabledAsync();
        await collaborators.FillAsync("@jun_ho");
        await fixture.ScreenshotAsync(detail, "17-post-options-edit-ko");
        await dialog.Locator("[data-testid=fields-save]").ClickAsync();
        await Expect(detail.Locator("[data-testid=alt-text]")).ToHaveTextAsync("창가에 앉은 고양이");
        await Expect(detail.Locator("[data-testid=collaborators]")).ToHaveTextAsync("@jun_ho");
        await detail.CloseAsync();

        var english = await fixture.OpenAsync("/culture/en?redirect=" + Uri.EscapeDataString($"/posts/{carousel.Id}"));
        await Expect(english.Locator("[data-testid=post-fields]")).ToContainTextAsync("Post options");
        await fixture.ScreenshotAsync(english, "16-post-options-en");
        await english.CloseAsync();
    }
}
