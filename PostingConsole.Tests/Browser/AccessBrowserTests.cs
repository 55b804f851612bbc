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

/// <summary>Who may do what, and the controls that act on the whole console: sign-in, a viewer's read-only screens, the account check, the stop button, a dropped connection. Real Chromium and the real server in Sandbox mode: a console of its own, so the browser collections run side by side.</summary>
[Collection(BrowserCollections.Access)]
public class AccessBrowserTests(BrowserFixture fixture)
{
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
        await BrowserFixture.WaitForAsync(async () => (await fixture.Api.GetFromJsonAsync<PostResponse>($"/api/posts/{post.Id}", ApiClientExtensions.Json))!.Status == PostStatus.Retrying);

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
        await Expect(modal).ToBeVisibleAsync(new() { Timeout = BrowserFixture.Patience });
        await fixture.ScreenshotAsync(page, "7-reconnecting");

        await page.EvaluateAsync("() => { window.__offline = false; }");
        await Expect(modal).ToBeHiddenAsync(new() { Timeout = 60_000 });
        // The circuit is back: an action goes through to the server.
        await page.Locator("[data-testid=refresh]").ClickAsync();
        await Expect(page.Locator("[data-testid=progress-text]")).ToBeVisibleAsync();
    }
}
