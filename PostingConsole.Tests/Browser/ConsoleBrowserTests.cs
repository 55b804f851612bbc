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

/// <summary>The console as an operator uses it: real Chromium, the real server, Sandbox mode, live updates.</summary>
[Collection(BrowserCollection.Name)]
public class ConsoleBrowserTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 30_000 };

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
    public async Task A_post_failing_through_a_sandbox_fault_shows_on_the_failure_screen_and_an_operators_retry_succeeds_and_is_audited()
    {
        var persona = await fixture.App.AddPersonaAsync("실패테스트");
        fixture.App.Sandbox.SetFault(persona.IgUserId, SandboxFault.ServerErrors);
        var post = await fixture.CreatePostAsync(persona.Id, DateTimeOffset.Now.AddSeconds(-1), "실패 후 재시도 테스트");

        var page = await fixture.OpenAsync($"/failures?reason=Transient", role: Roles.Operator);
        var row = page.Locator("tr", new PageLocatorOptions { Has = page.Locator($"a[href='/posts/{post.Id}']") });
        await Expect(row).ToContainTextAsync("API 오류", new() { Timeout = 30_000 });

        fixture.App.Sandbox.ClearFault(persona.IgUserId);
        await row.Locator("[data-testid=retry-one]").ClickAsync();

        await Expect(row).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await WaitForStatusAsync(post.Id, PostStatus.Published);
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
        await WaitForStatusAsync(post.Id, PostStatus.Held);

        var page = await fixture.OpenAsync("/failures?reason=Missed", role: Roles.Operator);
        var row = page.Locator("tr", new PageLocatorOptions { Has = page.Locator($"a[href='/posts/{post.Id}']") });
        await Expect(row).ToContainTextAsync("예약 시간 놓침", new() { Timeout = 30_000 });
        await fixture.ScreenshotAsync(page, "10-missed-ko");
        fixture.App.Sandbox.AllMedia.ShouldNotContain(m => m.Caption!.Contains("예약 시간을 놓친 포스팅"), "nothing stale went out on its own");

        await row.Locator("[data-testid=retry-one]").ClickAsync();

        await Expect(row).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await WaitForStatusAsync(post.Id, PostStatus.Published);
        fixture.App.Sandbox.AllMedia.Count(m => m.Caption!.Contains("예약 시간을 놓친 포스팅")).ShouldBe(1);
    }

    [Fact]
    public async Task An_anonymous_visit_lands_on_the_sign_in_page_and_a_wrong_password_is_refused()
    {
        var page = await fixture.NewPageAsync(role: null);
        await page.GotoAsync(fixture.BaseUrl + "/failures");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?ReturnUrl=%2Ffailures"));
        await Expect(page.Locator("[data-testid=login-form]")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "0-sign-in-ko");

        await fixture.SignInAsync(page, BrowserFixture.UserName(Roles.Viewer), "not-the-password");
        await Expect(page.Locator("[data-testid=login-error]")).ToContainTextAsync("올바르지 않습니다");

        await fixture.SignInAsync(page, BrowserFixture.UserName(Roles.Viewer), ConsoleSignIn.Password);
        await Expect(page.Locator("[data-testid=signed-in-user]")).ToContainTextAsync("조회자");

        // The user's name leads to the page where they change their password.
        await page.WaitForSelectorAsync("[data-testid=interactive]", new() { State = WaitForSelectorState.Attached });
        await page.Locator("[data-testid=signed-in-user]").ClickAsync();
        await Expect(page.Locator("[data-testid=password-form]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_viewer_sees_no_actions_and_the_api_refuses_a_viewers_retry_with_403()
    {
        var persona = await fixture.App.AddPersonaAsync("조회테스트");
        fixture.App.Sandbox.SetFault(persona.IgUserId, SandboxFault.ServerErrors);
        var post = await fixture.CreatePostAsync(persona.Id, DateTimeOffset.Now.AddSeconds(-1), "조회자는 재시도 불가");
        await WaitForAsync(async () => (await fixture.Api.GetFromJsonAsync<PostResponse>($"/api/posts/{post.Id}", ApiClientExtensions.Json))!.Status == PostStatus.Retrying);

        var failures = await fixture.OpenAsync("/failures", role: Roles.Viewer);
        var row = failures.Locator("tr", new PageLocatorOptions { Has = failures.Locator($"a[href='/posts/{post.Id}']") });
        await Expect(row).ToContainTextAsync("API 오류");
        await Expect(failures.Locator("[data-testid=retry-one]")).ToHaveCountAsync(0);
        await Expect(failures.Locator("[data-testid=retry-all]")).ToHaveCountAsync(0);
        var detail = await fixture.OpenAsync($"/posts/{post.Id}", role: Roles.Viewer);
        await Expect(detail.Locator("[data-testid=status-badge]")).ToBeVisibleAsync();
        await Expect(detail.Locator("[data-testid=retry]")).ToHaveCountAsync(0);
        var progress = await fixture.OpenAsync("/progress", role: Roles.Viewer);
        await Expect(progress.Locator("[data-testid=refresh]")).ToBeVisibleAsync();
        await Expect(progress.Locator("[data-testid=stop]")).ToHaveCountAsync(0);

        // Called anyway, with a Viewer's key: refused, and nothing changed.
        var issued = await fixture.App.GetService<ApiKeyStore>().IssueAsync(TestActors.Admin, "조회 스크립트", Roles.Viewer, CancellationToken.None);
        using var viewerApi = new HttpClient { BaseAddress = fixture.App.BaseUrl };
        viewerApi.DefaultRequestHeaders.Add("X-Api-Key", issued.Value!.Secret);
        (await viewerApi.GetAsync($"/api/posts/{post.Id}")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        var refused = await viewerApi.PostAsJsonAsync($"/api/posts/{post.Id}/retry", new { after = "now" });
        refused.StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
        (await viewerApi.PostAsync("/api/dispatch/stop", null)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
        (await fixture.Api.GetFromJsonAsync<DispatchStatus>("/api/dispatch", ApiClientExtensions.Json))!.Running.ShouldBeTrue();
        fixture.App.Sandbox.ClearFault(persona.IgUserId);
    }

    [Fact]
    public async Task An_admin_runs_the_account_check_from_the_personas_board_and_sees_the_outcome()
    {
        var persona = await fixture.App.AddPersonaAsync("점검테스트", SandboxFault.TokenExpired);
        var page = await fixture.OpenAsync("/personas");

        await page.Locator("[data-testid=check-accounts]").ClickAsync();

        await Expect(page.Locator(".mud-snackbar", new() { HasText = "계정 점검 —" })).ToContainTextAsync("재인증 필요", new() { Timeout = 60_000 });
        var row = page.Locator($"[data-testid=persona-row][data-persona-id='{persona.Id}']").Locator("xpath=..");
        await Expect(row.Locator("[data-testid=persona-status]")).ToHaveTextAsync("재인증 필요");
        (await fixture.App.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.NeedsReauth);
    }

    [Fact]
    public async Task The_stop_button_asks_first_and_stops_dispatch()
    {
        var page = await fixture.OpenAsync("/progress");
        try
        {
            await page.Locator("[data-testid=stop]").ClickAsync();
            await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "중단", Exact = true }).ClickAsync();

            await Expect(page.Locator("[data-testid=start]")).ToBeVisibleAsync();
            var status = await fixture.Api.GetFromJsonAsync<DispatchStatus>("/api/dispatch", ApiClientExtensions.Json);
            status!.Running.ShouldBeFalse();

            var persona = await fixture.App.AddPersonaAsync("중단테스트");
            var post = await fixture.CreatePostAsync(persona.Id, DateTimeOffset.Now.AddSeconds(-1), "중단 중에는 게시되지 않음");
            await Task.Delay(TimeSpan.FromSeconds(2));
            (await fixture.Api.GetFromJsonAsync<PostResponse>($"/api/posts/{post.Id}", ApiClientExtensions.Json))!.Status.ShouldBe(PostStatus.Scheduled);
        }
        finally
        {
            await fixture.Api.PostAsync("/api/dispatch/start", null);
        }
    }

    [Fact]
    public async Task Screenshots_of_every_screen_in_korean_and_one_in_english_show_real_data()
    {
        // Some variety: a few posts due now on the demo personas, including the ones with sandbox faults.
        await using (var db = fixture.App.CreateDbContext())
        {
            var ids = db.Personas.OrderBy(p => p.Id).Select(p => p.Id).Take(40).ToList();
            foreach (var id in ids) await fixture.CreatePostAsync(id, DateTimeOffset.Now.AddSeconds(-1), $"스크린샷용 포스팅 {id}");
        }

        await WaitForAsync(async () => (await fixture.Api.GetFromJsonAsync<PostListResponse>("/api/posts?status=Published&pageSize=1", ApiClientExtensions.Json))!.Total >= 10);

        var queue = await fixture.OpenAsync("/");
        await Expect(queue.Locator("[data-testid=post-card]").First).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(queue, "1-queue-ko");

        var progress = await fixture.OpenAsync("/progress");
        await Expect(progress.Locator("[data-testid=log-line]").First).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(progress, "2-progress-ko");

        var published = (await fixture.Api.GetFromJsonAsync<PostListResponse>("/api/posts?status=Published&pageSize=1", ApiClientExtensions.Json))!.Items[0];
        var detail = await fixture.OpenAsync($"/posts/{published.Id}");
        await Expect(detail.Locator("[data-testid=instagram-link]")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(detail, "3-post-detail-ko");

        var failures = await fixture.OpenAsync("/failures");
        await Expect(failures.Locator("[data-testid=reason-group]").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
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

        // Every screen ran under the Content-Security-Policy without anything blocked.
        fixture.CspViolations.ShouldBeEmpty();
        foreach (var name in new[] { "1-queue-ko", "2-progress-ko", "3-post-detail-ko", "4-failures-ko", "5-personas-ko", "6-progress-en" })
        {
            new FileInfo(Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png")).Length.ShouldBeGreaterThan(20_000, name);
        }
    }

    [Fact]
    public async Task An_account_meta_throttles_shows_on_the_progress_banner_and_the_personas_board_until_it_reopens()
    {
        var persona = await fixture.App.AddPersonaAsync("호출제한");
        fixture.App.Sandbox.ThrottleAccount(persona.IgUserId, DateTime.UtcNow.AddMinutes(30), code: 80002, estimate: TimeSpan.FromMinutes(30));
        var created = await fixture.Api.PostAsJsonAsync("/api/posts", new
        {
            personaId = persona.Id, imagePath = "demo/demo-01.jpg", caption = "제한 중", scheduledAt = DateTimeOffset.UtcNow.ToString("o"),
        }, ApiClientExtensions.Json);
        created.EnsureSuccessStatusCode();
        await WaitForAsync(async () =>
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
    }

    [Fact]
    public async Task A_dropped_connection_shows_the_reconnect_ui_and_recovers()
    {
        var page = await fixture.NewPageAsync();
        // Before Blazor starts: keep its sockets, and while "offline" hand it sockets that cannot connect.
        await page.AddInitScriptAsync("""
            (() => {
              const Native = window.WebSocket;
              window.__sockets = [];
              window.__offline = false;
              function Wrapped(url, protocols) {
                // Offline: a same-origin socket whose handshake fails (the CSP allows only this origin).
                const socket = new Native(window.__offline ? new URL('/offline-no-such-socket', location.href).href.replace(/^http/, 'ws') : url, protocols);
                window.__sockets.push(socket);
                return socket;
              }
              Wrapped.prototype = Native.prototype;
              Object.assign(Wrapped, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
              window.WebSocket = Wrapped;
            })();
            """);
        await page.GotoAsync(fixture.BaseUrl + "/progress");
        await page.WaitForSelectorAsync("[data-testid=interactive]", new() { State = WaitForSelectorState.Attached, Timeout = 20_000 });
        var modal = page.Locator("#components-reconnect-modal");

        await page.EvaluateAsync("() => { window.__offline = true; window.__sockets.forEach(s => s.close(4000, 'network dropped')); }");
        await Expect(modal).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await fixture.ScreenshotAsync(page, "7-reconnecting");

        await page.EvaluateAsync("() => { window.__offline = false; }");
        await Expect(modal).ToBeHiddenAsync(new() { Timeout = 60_000 });
        // The circuit is back: an action goes through to the server.
        await page.Locator("[data-testid=refresh]").ClickAsync();
        await Expect(page.Locator("[data-testid=progress-text]")).ToBeVisibleAsync();
    }

    private async Task WaitForStatusAsync(int postId, PostStatus status) =>
        await WaitForAsync(async () => (await fixture.Api.GetFromJsonAsync<PostResponse>($"/api/posts/{postId}", ApiClientExtensions.Json))!.Status == status);

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in 40 s");
            await Task.Delay(200);
        }
    }
}
