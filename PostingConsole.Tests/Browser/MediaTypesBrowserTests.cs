using System.Net.Http.Json;
using PostingConsole.Api;
using PostingConsole.Domain;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace PostingConsole.Tests.Browser;

/// <summary>A story, a reel and a carousel put on the queue through the API go ✅ live on their cards, and their detail pages show them as Instagram will.</summary>
[Collection(BrowserCollections.LiveUpdates)]
public class MediaTypesBrowserTests(BrowserFixture fixture)
{
    private const string Video = "demo/" + DemoSeeder.DemoVideoName;

    private async Task<PostResponse> CreateAsync(object body)
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/posts", body);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(text);
        return System.Text.Json.JsonSerializer.Deserialize<PostResponse>(text, ApiClientExtensions.Json)!;
    }

    [Fact]
    public async Task A_story_a_reel_and_a_carousel_created_through_the_api_go_live_and_are_previewed_on_their_detail_pages()
    {
        var later = DateTimeOffset.Now.AddMinutes(10).ToString("yyyy-MM-dd'T'HH:mm:sszzz");
        var story = await CreateAsync(new { personaId = (await fixture.App.AddPersonaAsync("스토리")).Id, mediaType = "STORIES", videoPath = Video, scheduledAt = later });
        var reel = await CreateAsync(new
        {
            personaId = (await fixture.App.AddPersonaAsync("릴스")).Id, mediaType = "REELS", videoPath = Video, caption = "릴스 테스트", hashtags = new[] { "릴스" },
            // A cover both Meta and the browser can fetch: the console's signed link to a demo photo.
            coverUrl = $"{fixture.BaseUrl}/{fixture.App.GetService<PostingConsole.Security.MediaUrls>().PathAndQuery("demo/demo-02.jpg")}", scheduledAt = later,
        });
        var carousel = await CreateAsync(new
        {
            personaId = (await fixture.App.AddPersonaAsync("캐러셀")).Id, mediaType = "CAROUSEL", caption = "캐러셀 테스트", scheduledAt = later,
            items = new object[] { new { imagePath = "demo/demo-01.jpg" }, new { videoPath = Video }, new { imagePath = "demo/demo-03.jpg" } },
        });
        PostResponse[] posts = [story, reel, carousel];

        var page = await fixture.OpenAsync("/");
        foreach (var (post, type) in posts.Zip(["STORIES", "REELS", "CAROUSEL"]))
        {
            var card = page.Locator($"[data-testid=post-card][data-post-id='{post.Id}']");
            await Expect(card).ToHaveAttributeAsync("data-status", "Scheduled");
            await Expect(card.Locator("[data-testid=media-type]")).ToHaveAttributeAsync("data-media-type", type);
        }

        foreach (var post in posts) (await fixture.Api.PostAsync($"/api/posts/{post.Id}/publish-now", null)).EnsureSuccessStatusCode();
        foreach (var post in posts)
        {
            var card = page.Locator($"[data-testid=post-card][data-post-id='{post.Id}']");
            await Expect(card).ToHaveAttributeAsync("data-status", "Published", new() { Timeout = 40_000 });
            await Expect(card).ToContainTextAsync("✅ 완료");
        }

        await fixture.ScreenshotAsync(page, "media-types-queue");

        var detail = await fixture.OpenAsync($"/posts/{story.Id}");
        await Expect(detail.Locator("[data-testid=story-frame] video")).ToBeVisibleAsync();
        await Expect(detail.Locator("[data-testid=instagram-link]")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^https://www.instagram.com/stories/"));
        await fixture.ScreenshotAsync(detail, "detail-story");

        await detail.GotoAsync($"{fixture.BaseUrl}/posts/{reel.Id}");
        await Expect(detail.Locator("[data-testid=reel-player]")).ToBeVisibleAsync();
        await Expect(detail.Locator("[data-testid=reel-cover] img")).ToBeVisibleAsync();
        await Expect(detail.Locator("[data-testid=instagram-link]")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^https://www.instagram.com/reel/"));
        // The player loads the video through its signed link (a range request, as browsers ask for video).
        await BrowserFixture.WaitForAsync(async () => await detail.Locator("[data-testid=reel-player]").EvaluateAsync<int>("v => v.readyState") >= 1);
        await fixture.ScreenshotAsync(detail, "detail-reel");

        await detail.GotoAsync($"{fixture.BaseUrl}/posts/{carousel.Id}");
        await Expect(detail.Locator("[data-testid=carousel-item]")).ToHaveCountAsync(3);
        await Expect(detail.Locator("[data-testid=attempts]")).ToContainTextAsync("item 3/3");
        await fixture.ScreenshotAsync(detail, "detail-carousel");
    }
}
