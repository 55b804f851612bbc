using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Sandbox;
using static Microsoft.Playwright.Assertions;

namespace PostingConsole.Tests.Browser;

/// <summary>An operator signed in on one console process watches posts another process publishes (PostgreSQL, LISTEN/NOTIFY).</summary>
[Collection(BrowserCollections.ScaleOut)]
[Trait("Database", "Postgres")]
public class ScaleOutBrowserTests(TwoInstancesBrowserFixture fixture)
{
    [Fact]
    public async Task A_browser_on_instance_a_sees_a_post_run_by_instance_b_go_running_then_done_without_a_reload()
    {
        var persona = await fixture.App.AddPersonaAsync("다른인스턴스");
        // Meta answers this account slowly (at instance B's Graph), so the running state is on screen long enough to see.
        fixture.Worker.Sandbox.SetFault(persona.IgUserId, SandboxFault.Slow);
        var post = await fixture.CreatePostAsync(persona.Id, DateTimeOffset.Now.AddMinutes(10), "다른 인스턴스가 올리는 포스팅");

        var page = await fixture.OpenAsync($"/?persona={persona.Id}");
        await page.EvaluateAsync("() => window.__sameDocument = true");
        var card = page.Locator($"[data-testid=post-card][data-post-id='{post.Id}']");
        await Expect(card).ToHaveAttributeAsync("data-status", "Scheduled");

        // Publish-now on instance A, which dispatches nothing: instance B hears of it and runs it.
        (await fixture.Api.PostAsync($"/api/posts/{post.Id}/publish-now", null)).EnsureSuccessStatusCode();
        await Expect(card).ToHaveAttributeAsync("data-status", "InProgress", new() { Timeout = BrowserFixture.Patience });
        await Expect(card).ToContainTextAsync("⚙️ 진행중");
        await fixture.ScreenshotAsync(page, "12-other-instance-running-ko");
        await Expect(card).ToHaveAttributeAsync("data-status", "Published", new() { Timeout = BrowserFixture.Patience });
        await Expect(card).ToContainTextAsync("✅ 완료");
        (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).ShouldBeTrue("the page was never reloaded");

        await using var db = fixture.App.CreateDbContext();
        var published = await db.Posts.SingleAsync(p => p.Id == post.Id);
        published.ClaimedBy.ShouldBe(fixture.Worker.Dispatcher.InstanceId, "instance B ran it");
        fixture.Worker.Sandbox.AllMedia.Count(m => m.Caption!.Contains("다른 인스턴스가 올리는 포스팅")).ShouldBe(1);
        fixture.App.Sandbox.AllMedia.ShouldBeEmpty("instance A made no Graph call");
    }
}
