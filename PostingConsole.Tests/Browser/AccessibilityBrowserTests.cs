using System.Net.Http.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using PostingConsole.Api;
using PostingConsole.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace PostingConsole.Tests.Browser;

/// <summary>
/// Every screen, in Korean and in English, passes axe-core's WCAG 2 A and AA rules with no serious or critical violation
/// (axe-core run in the page by Deque's Playwright binding), on the demo's data: operators work long shifts on these
/// screens, some with a keyboard only or a screen reader.
/// </summary>
[Collection(BrowserCollections.Screens)]
public class AccessibilityBrowserTests(DemoBrowserFixture fixture)
{
    private static readonly AxeRunOptions Wcag2AA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa"] },
    };

    [Theory]
    [InlineData("ko")]
    [InlineData("en")]
    public async Task Every_screen_passes_the_wcag_2_aa_rules(string language)
    {
        await BrowserFixture.WaitForAsync(async () =>
            (await fixture.Api.GetFromJsonAsync<PostListResponse>("/api/posts?status=Published&pageSize=1", ApiClientExtensions.Json))!.Total >= 3);
        var published = (await fixture.Api.GetFromJsonAsync<PostListResponse>("/api/posts?status=Published&pageSize=1", ApiClientExtensions.Json))!.Items[0];
        // Its insights read, so the post's page shows its results table too.
        var reader = fixture.App.GetService<PostingConsole.Insights.InsightsReader>();
        await BrowserFixture.WaitForAsync(async () =>
        {
            await reader.RunAsync(CancellationToken.None);
            return (await fixture.Api.GetFromJsonAsync<PostResponse>($"/api/posts/{published.Id}", ApiClientExtensions.Json))!.Insights!.Count > 0;
        });

        var found = new List<string>();
        foreach (var path in new[] { "/", "/?list=true", "/?history=true", "/progress", "/failures", "/readiness", "/personas", $"/posts/{published.Id}", "/users", "/api-keys", "/audit",
                     "/calendar", "/calendar?view=month", "/calendar?view=day", "/personas/2/grid", "/alerts" })
        {
            var page = await fixture.OpenAsync(language == "en" ? "/culture/en?redirect=" + Uri.EscapeDataString(path) : path);
            await Expect(page.Locator("[data-testid=interactive]")).ToBeAttachedAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            // An alert's toast that is still fading in is half transparent: the rules judge the screen at rest.
            await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running')");
            var result = await page.RunAxe(Wcag2AA);
            found.AddRange(Serious(result).Select(v => $"{language} {path}: {v}"));
            await page.CloseAsync();
        }

        found.ShouldBeEmpty();
    }

    /// <summary>Each serious or critical violation: the rule, what it asks, and where (the first few elements).</summary>
    private static IEnumerable<string> Serious(AxeResult result) =>
        result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v =>
            $"{v.Id} ({v.Impact}, {v.Nodes.Length} elements): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html.Length > 160 ? n.Html[..160] : n.Html))}");
}
