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

/// <summary>Live updates an operator watches: cards that change without a reload, the failure screen and its retries, Meta's limits on screen. Real Chromium and the real server in Sandbox mode: a console of its own, so the browser collections run side by side.</summary>
[Collection(BrowserCollections.LiveUpdates)]
public class LiveUpdatesBrowserTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = BrowserFixture.Patience };

    [Fact]
    public async Task A_post_enqueued_through_the_api_goes_waiting_running_done_on_its_card_without_a_reload()
    {
        var persona = await fixture.App.AddPersonaAsync("브라우저");
        // Meta answers slowly for this account, so the running state is on screen long enough to see.
        fixture.App.Sandbox.SetFault(persona.IgUserId, SandboxFault.Slow);
        // Scheduled ahead, so the card is surely waiting when the page opens however slow the machine is.
        var post = await fixture.CreatePostAsync(persona.Id, DateTimeOffset.Now.AddMinutes(10), "카드 상태 변화 테스트");

        var page = await fixture.OpenAsync($"/?persona={persona.Id}");
        await page.EvaluateAsync("() => window.__sameDocument = true");
        var card = page.Locator($"[data-testid=post-card][data-post-id='{post.Id}']");

        await Expect(card).ToHaveAttributeAsync("data-status", "Scheduled");
        await Expect(card).ToContainTextAsync("🕒 대기");
        (await fixture.Api.PostAsync($"/api/posts/{post.Id}/publish-now", null)).EnsureSuccessStatusCode();
        await Expect(card).ToHaveAttributeAsync("data-status", "InProgress", Slow);
        await Expect(card).ToContainTextAsync("⚙️ 진행중");
        await Expect(card).ToHaveAttributeAsync("data-status", "Published", Slow);
        await Expect(card).ToContainTextAsync("✅ 완료");
        (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).ShouldBeTrue("the page was never reloaded");
        fixture.App.Sandbox.ClearFault(persona.IgUserId);
    }

    [Fact]
    public async Task A_screen_held_open_without_a_browser_is_pushed_each_change_as_a_tab_is()
    {
        // The push benchmark holds most of its 50 screens open this way (LightCircuit): it must be a circuit the console serves.
        var persona = await fixture.App.AddPersonaAsync("가벼운화면");
        // Meta answers slowly for this account, so the running state comes in a batch of its own, well before the done state
        // (10 s of container processing: the check below holds even when the machine stalls for seconds under the suite's load).
        fixture.App.Sandbox.SetFault(persona.IgUserId, SandboxFault.Slow);
        var processing = fixture.App.Sandbox.SlowContainerProcessing;
        fixture.App.Sandbox.SlowContainerProcessing = TimeSpan.FromSeconds(10);
        using var restore = new Restore(() => fixture.App.Sandbox.SlowContainerProcessing = processing);
        var post = await fixture.CreatePostAsync(persona.Id, DateTimeOffset.Now.AddMinutes(10), "브라우저 없는 화면");
        await using var screen = await LightCircuit.OpenAsync(fixture.App.BaseUrl, $"/?persona={persona.Id}", fixture.SignedInState(Roles.Admin));
        await BrowserFixture.WaitForAsync(() => Task.FromResult(screen.Batches > 0));

        var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        (await fixture.Api.PostAsync($"/api/posts/{post.Id}/publish-now", null)).EnsureSuccessStatusCode();

        await BrowserFixture.WaitForAsync(() => Task.FromResult(screen.FirstBatchWith(nameof(PostStatus.InProgress), sent) is not null));
        // The benchmark tells the done state by its name in a batch: the running state's batch must not carry it.
        screen.FirstBatchWith(nameof(PostStatus.Published), sent).ShouldBeNull();
        await BrowserFixture.WaitForAsync(() => Task.FromResult(screen.FirstBatchWith(nameof(PostStatus.Published), sent) is not null));
        fixture.App.Sandbox.ClearFault(persona.IgUserId);
        screen.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_post_failing_through_a_sandbox_fault_shows_on_the_failure_screen_and_an_operators_retry_succeeds_and_is_audited()
    {
        var persona = await fixture.App.AddPersonaAsync("실패테스트");
        fixture.App.Sandbox.SetFault(persona.IgUserId, SandboxFault.ServerErrors);
        var post = await fixture.CreatePostAsync(persona.Id, DateTimeOffset.Now.AddSeconds(-1), "실패 후 재시도 테스트");

        var page = await fixture.OpenAsync($"/failures?reason=Transient", role: Roles.Operator);
        var row = page.Locator("tr", new PageLocatorOptions { Has = page.Locator($"a[href='/posts/{post.Id}']") });
        await Expect(row).ToContainTextAsync("API 오류", new() { Timeout = BrowserFixture.Patience });

        fixture.App.Sandbox.ClearFault(persona.IgUserId);
        await row.Locator("[data-testid=retry-one]").ClickAsync();

        await Expect(row).ToHaveCountAsync(0, new() { Timeout = BrowserFixture.Patience });
        await fixture.WaitForStatusAsync(post.Id, PostStatus.Published);
        await using var db = fixture.App.CreateDbContext();
        var audit = await db.AuditLog.Where(a => a.Action == AuditActions.PostRetry && a.Target == $"post {post.Id}").ToListAsync();
        audit.ShouldHaveSingleItem().Actor.ShouldBe(BrowserFixture.UserName(Roles.Operator));
        audit[0].Channel.ShouldBe("console");
    }

    [Fact]
    public async Task A_post_that_missed_its_time_is_held_on_the_failure_screen_and_an_operators_retry_sends_it_once()
    {
        var persona = await fixture.App.AddPersonaAsync("놓친포스팅");
        var post = await fixture.CreatePostAsync(persona.Id, DateTimeOffset.Now.AddMinutes(30), "예약 시간을 놓친 포스팅");
        // As after an outage: it was due two hours ago, longer than Posting:MissedPostGrace (1 h); the next pass holds it.
        await using (var db = fixture.App.CreateDbContext())
        {
            var twoHoursAgo = DateTime.UtcNow.AddHours(-2);
            await db.Posts.Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.ScheduledAt, twoHoursAgo).SetProperty(p => p.NextAttemptAt, twoHoursAgo));
        }

        fixture.App.GetService<PostingConsole.Operations.DispatchSignal>().Wake();
        await fixture.WaitForStatusAsync(post.Id, PostStatus.Held);

        var page = await fixture.OpenAsync("/failures?reason=Missed", role: Roles.Operator);
        var row = page.Locator("tr", new PageLocatorOptions { Has = page.Locator($"a[href='/posts/{post.Id}']") });
        await Expect(row).ToContainTextAsync("예약 시간 놓침", new() { Timeout = BrowserFixture.Patience });
        await fixture.ScreenshotAsync(page, "10-missed-ko");
        fixture.App.Sandbox.AllMedia.ShouldNotContain(m => m.Caption!.Contains("예약 시간을 놓친 포스팅"), "nothing stale went out on its own");

        await row.Locator("[data-testid=retry-one]").ClickAsync();

        await Expect(row).ToHaveCountAsync(0, new() { Timeout = BrowserFixture.Patience });
        await fixture.WaitForStatusAsync(post.Id, PostStatus.Published);
        fixture.App.Sandbox.AllMedia.Count(m => m.Caption!.Contains("예약 시간을 놓친 포스팅")).ShouldBe(1);
    }

    [Fact]
    public async Task An_account_meta_throttles_shows_on_the_progress_banner_and_the_personas_board_until_it_reopens()
    {
        var persona = await fixture.App.AddPersonaAsync("호출제한");
        // Meta's block and its own estimate (whole minutes in X-Business-Use-Case-Usage) end together, soon enough to watch the
        // circuit reopen.
        var reopens = TimeSpan.FromMinutes(1);
        fixture.App.Sandbox.ThrottleAccount(persona.IgUserId, DateTime.UtcNow + reopens, code: 80002, estimate: reopens);
        var created = await fixture.Api.PostAsJsonAsync("/api/posts", new
        {
            personaId = persona.Id, imagePath = "demo/demo-01.jpg", caption = "제한 중", scheduledAt = DateTimeOffset.UtcNow.ToString("o"),
        }, ApiClientExtensions.Json);
        created.EnsureSuccessStatusCode();
        await BrowserFixture.WaitForAsync(async () =>
        {
            await using var db = fixture.App.CreateDbContext();
            return (await db.Personas.SingleAsync(p => p.Id == persona.Id)).ThrottledUntil is not null;
        });

        var progress = await fixture.OpenAsync("/progress");
        var banner = progress.Locator("[data-testid=meta-limit-accounts]");
        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToContainTextAsync("Meta 호출 제한");
        await Expect(banner).ToContainTextAsync("'호출제한'");
        await fixture.ScreenshotAsync(progress, "9-meta-limit-ko");

        var board = await fixture.OpenAsync("/personas");
        await board.Locator("input[placeholder='이름 검색']").FillAsync("호출제한");
        await Expect(board.Locator("[data-testid=call-limit]").First).ToContainTextAsync("까지 대기");
        fixture.App.Sandbox.CallsIntoBlock.ShouldBe(0, "no call to the account while its circuit is open");

        // It reopens: one probe goes through, the post is published, and both screens drop the limit without a reload.
        var post = (await created.Content.ReadFromJsonAsync<PostResponse>(ApiClientExtensions.Json)).ShouldNotBeNull().Id;
        await fixture.WaitForStatusAsync(post, PostStatus.Published, reopens + TimeSpan.FromMilliseconds(BrowserFixture.Patience));
        await Expect(banner).ToHaveCountAsync(0, new() { Timeout = BrowserFixture.Patience });
        await Expect(board.Locator("[data-testid=call-limit]").First).Not.ToContainTextAsync("까지 대기", new() { Timeout = BrowserFixture.Patience });
        fixture.App.Sandbox.CallsIntoBlock.ShouldBe(0);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
