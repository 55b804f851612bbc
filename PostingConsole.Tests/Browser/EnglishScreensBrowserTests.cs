using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Api;
using PostingConsole.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace PostingConsole.Tests.Browser;

/// <summary>
/// With English picked, every screen is English: the labels, the live log, alerts, failure reasons and details. Korean left on a
/// screen is only content (persona names, captions and hashtags the 005-approval module wrote). The demo's data, so every
/// kind of line is there: published posts, failures of each demo fault, alerts.
/// </summary>
[Collection(BrowserCollections.Screens)]
public partial class EnglishScreensBrowserTests(DemoBrowserFixture fixture)
{
    [GeneratedRegex(@"[\uAC00-\uD7A3\u1100-\u11FF\u3130-\u318F]+[^\s]*")]
    private static partial Regex Korean();

    [Fact]
    public async Task Every_screen_in_english_carries_no_korean_ui_text()
    {
        // Runs of the demo's first minute (successes, the dead token, throttling, server errors...) to word on every screen.
        await BrowserFixture.WaitForAsync(async () => (await fixture.Api.GetFromJsonAsync<PostListResponse>("/api/posts?status=Published&pageSize=1", ApiClientExtensions.Json))!.Total >= 5);
        var published = (await fixture.Api.GetFromJsonAsync<PostListResponse>("/api/posts?status=Published&pageSize=1", ApiClientExtensions.Json))!.Items[0];
        var content = await ContentAsync();

        var found = new List<string>();
        foreach (var path in new[] { "/", "/?list=true", "/?history=true", "/progress", "/failures", "/personas", $"/posts/{published.Id}", "/users", "/api-keys", "/audit" })
        {
            var page = await fixture.OpenAsync("/culture/en?redirect=" + Uri.EscapeDataString(path));
            await Expect(page.Locator("[data-testid=interactive]")).ToBeAttachedAsync();
            await page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);
            if (path == "/progress")
            {
                // The bell's menu too: the alerts are worded there.
                await page.Locator("[data-testid=alert-bell] button").ClickAsync();
                await Expect(page.Locator("[data-testid=alert-item]").First).ToBeVisibleAsync(new() { Timeout = BrowserFixture.Patience });
            }

            var text = await page.Locator("body").InnerTextAsync();
            // The language switch names each language in itself (한국어 / English), as language pickers do.
            text = text.Replace("한국어", " ", StringComparison.Ordinal);
            foreach (var value in content) text = text.Replace(value, " ", StringComparison.Ordinal);
            found.AddRange(Korean().Matches(text).Select(m => $"{path}: {m.Value}"));
            if (path == "/progress")
            {
                await Expect(page.Locator("[data-testid=log-line]").First).ToBeVisibleAsync(new() { Timeout = BrowserFixture.Patience });
                (await page.Locator("[data-testid=log-line]").AllInnerTextsAsync()).ShouldContain(l => l.Contains("Published! Post ID"), "the log is worded in English");
                await fixture.ScreenshotAsync(page, "13-progress-en-log");
            }
        }

        found.Distinct().ShouldBeEmpty("English screens show no Korean besides content");
        fixture.ConsoleErrors.ShouldBeEmpty();
    }

    /// <summary>What operators and 005-approval wrote, shown as written in any language: names, captions, hashtags.</summary>
    private async Task<List<string>> ContentAsync()
    {
        await using var db = fixture.App.CreateDbContext();
        var names = await db.Personas.Select(p => p.Name).ToListAsync();
        var posts = await db.Posts.Select(p => new { p.Caption, p.Hashtags }).ToListAsync();
        return names.Concat(posts.Select(p => p.Caption)).Concat(posts.SelectMany(p => p.Hashtags).Select(h => "#" + h)).Concat(posts.SelectMany(p => p.Hashtags))
            .Where(v => !string.IsNullOrEmpty(v)).Distinct().OrderByDescending(v => v.Length).ToList();
    }
}
