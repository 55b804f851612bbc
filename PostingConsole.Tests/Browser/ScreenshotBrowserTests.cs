using System.Net.Http.Json;
using Microsoft.Playwright;
using PostingConsole.Api;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;
using PostingConsole.Security;
using Microsoft.EntityFrameworkCore;
using static Microsoft.Playwright.Assertions;
using PostingConsole.Operations;

namespace PostingConsole.Tests.Browser;

/// <summary>Every screen with real data, in Korean and in English, under the Content-Security-Policy. Real Chromium and the real server in Sandbox mode: a console of its own, so the browser collections run side by side.</summary>
[Collection(BrowserCollections.Screens)]
public class ScreenshotBrowserTests(DemoBrowserFixture fixture)
{
    [Fact]
    public async Task Screenshots_of_every_screen_in_korean_and_one_in_english_show_real_data()
    {
        // Some variety: a few posts due now on the demo personas, including the ones with sandbox faults.
        await using (var db = fixture.App.CreateDbContext())
        {
            var ids = db.Personas.OrderBy(p => p.Id).Select(p => p.Id).Take(40).ToList();
            foreach (var id in ids) await fixture.CreatePostAsync(id, DateTimeOffset.Now.AddSeconds(-1), $"스크린샷용 포스팅 {id}");
        }

        await BrowserFixture.WaitForAsync(async () => (await fixture.Api.GetFromJsonAsync<PostListResponse>("/api/posts?status=Published&pageSize=1", ApiClientExtensions.Json))!.Total >= 10);

        var queue = await fixture.OpenAsync("/");
        await Expect(queue.Locator("[data-testid=post-card]").First).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(queue, "1-queue-ko");

        // The compact list: a row a post.
        var list = await fixture.OpenAsync("/?list=true");
        await Expect(list.Locator("[data-testid=post-row]").First).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(list, "11-queue-list-ko");

        var progress = await fixture.OpenAsync("/progress");
        await Expect(progress.Locator("[data-testid=log-line]").First).ToBeVisibleAsync();
        // The charts, with the day's real outcomes (ten and more published by now).
        await Expect(progress.Locator("[data-testid=chart-daily] svg").First).ToBeVisibleAsync();
        await Expect(progress.Locator("[data-testid=chart-hourly] svg").First).ToBeVisibleAsync();
        await Expect(progress.Locator("[data-testid=success-rate-30]")).ToContainTextAsync("%");
        await fixture.ScreenshotAsync(progress, "2-progress-ko");

        var published = (await fixture.Api.GetFromJsonAsync<PostListResponse>("/api/posts?status=Published&pageSize=1", ApiClientExtensions.Json))!.Items[0];
        var detail = await fixture.OpenAsync($"/posts/{published.Id}");
        await Expect(detail.Locator("[data-testid=instagram-link]")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(detail, "3-post-detail-ko");

        var failures = await fixture.OpenAsync("/failures");
        await Expect(failures.Locator("[data-testid=reason-group]").First).ToBeVisibleAsync(new() { Timeout = BrowserFixture.Patience });
        await fixture.ScreenshotAsync(failures, "4-failures-ko");

        var personas = await fixture.OpenAsync("/personas");
        await Expect(personas.Locator("[data-testid=persona-row]").First).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(personas, "5-personas-ko");

        var english = await fixture.OpenAsync("/culture/en?redirect=/progress");
        await Expect(english.GetByText("Posting progress")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(english, "6-progress-en");

        var audit = await fixture.OpenAsync("/audit");
        await Expect(audit.Locator("[data-testid=audit-table]")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(audit, "8-audit-ko");

        // Every screen ran under the Content-Security-Policy without anything blocked, and without an error in the console
        // (a missing tab icon was one on every page).
        fixture.CspViolations.ShouldBeEmpty();
        fixture.ConsoleErrors.ShouldBeEmpty();
        foreach (var name in new[] { "1-queue-ko", "2-progress-ko", "3-post-detail-ko", "4-failures-ko", "5-personas-ko", "6-progress-en" })
        {
            new FileInfo(Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png")).Length.ShouldBeGreaterThan(20_000, name);
        }
    }
}
