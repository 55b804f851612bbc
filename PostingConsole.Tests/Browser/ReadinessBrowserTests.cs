using System.Net.Http.Json;
using Microsoft.Playwright;
using PostingConsole.Api;
using PostingConsole.Readiness;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace PostingConsole.Tests.Browser;

/// <summary>
/// The readiness screen on the demo's data, in Chromium: the demo's faulty posts (a URL that answers 404, a PNG, a 3:1
/// panorama), its duplicate pair and the token that expires in 3 days are listed by problem, hours before they are due, with
/// the actions that fix them; screenshots in Korean and English.
/// </summary>
[Collection(BrowserCollections.Screens)]
public class ReadinessBrowserTests(DemoBrowserFixture fixture)
{
    [Fact]
    public async Task The_readiness_screen_lists_the_demos_faults_by_problem_with_their_fixes()
    {
        // The minute's passes, run at once until every upcoming post has a verdict.
        var pass = fixture.App.GetService<ReadinessPass>();
        await BrowserFixture.WaitForAsync(async () =>
        {
            await pass.RunAsync(CancellationToken.None);
            var report = await fixture.Api.GetFromJsonAsync<ReadinessListResponse>("/api/readiness", ApiClientExtensions.Json);
            return report!.Counts["Unchecked"] == 0;
        });

        var api = (await fixture.Api.GetFromJsonAsync<ReadinessListResponse>("/api/readiness?state=Blocked", ApiClientExtensions.Json))!;
        api.Items.ShouldAllBe(i => i.State == PostingConsole.Domain.ReadinessState.Blocked);
        var codes = api.Items.SelectMany(i => i.Problems).Select(p => p.Code).ToHashSet();
        codes.ShouldContain(PostingConsole.Domain.ReadinessCode.MediaUnreachable);
        codes.ShouldContain(PostingConsole.Domain.ReadinessCode.MediaNotJpeg);
        codes.ShouldContain(PostingConsole.Domain.ReadinessCode.AspectRatio);

        var page = await fixture.OpenAsync("/readiness");
        await Expect(page.Locator("[data-testid=interactive]")).ToBeAttachedAsync();
        foreach (var code in new[] { "MediaUnreachable", "MediaNotJpeg", "AspectRatio", "DuplicateImage", "TokenExpiring" })
        {
            await Expect(page.Locator($"[data-testid=problem-group][data-code={code}]")).ToBeVisibleAsync();
        }

        // The blocking problems come first; each row opens its post, and an Admin can re-authorize the expiring persona there.
        await Expect(page.Locator("[data-testid=problem-group]").First).ToHaveAttributeAsync("data-code", new System.Text.RegularExpressions.Regex("Media|Aspect|Caption|Token|Permission|Persona|Over|Video"));
        var tokenGroup = page.Locator("[data-testid=problem-group][data-code=TokenExpiring]");
        await Expect(tokenGroup.Locator("[data-testid=reauthorize]").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=readiness-count][data-state=Blocked]")).ToContainTextAsync("문제");
        await fixture.ScreenshotAsync(page, "12-readiness-ko");

        await page.Locator("[data-testid=problem-group][data-code=MediaNotJpeg] [data-testid=open-post]").First.ClickAsync();
        await Expect(page.Locator("[data-testid=readiness-problem][data-code=MediaNotJpeg]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=readiness-badge][data-state=Blocked]")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "13-readiness-post-ko");
        await page.CloseAsync();

        // The personas board warns of the token that expires in 3 days.
        var personas = await fixture.OpenAsync("/personas");
        await Expect(personas.Locator("[data-testid=token-expiry][data-soon=yes]").First).ToBeVisibleAsync();
        await personas.CloseAsync();

        var english = await fixture.OpenAsync("/culture/en?redirect=/readiness");
        await Expect(english.Locator("[data-testid=problem-group][data-code=DuplicateImage]")).ToContainTextAsync("Same image as another persona");
        await fixture.ScreenshotAsync(english, "12-readiness-en");
        await english.CloseAsync();
    }
}
