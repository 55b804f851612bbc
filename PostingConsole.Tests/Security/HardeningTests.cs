using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using PostingConsole.Sandbox;
using PostingConsole.Security;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Domain;
using PostingConsole.Operations;

namespace PostingConsole.Tests.Security;

public class SignedMediaUrlTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new();
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await app.GetService<DemoSeeder>().EnsureDemoMediaAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private const string Image = "demo/demo-01.jpg";

    [Fact]
    public async Task A_signed_link_serves_the_file_without_a_sign_in()
    {
        var response = await client.GetAsync("/" + app.GetService<MediaUrls>().PathAndQuery(Image));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
    }

    [Fact]
    public async Task No_token_a_tampered_token_or_a_token_for_another_file_is_403()
    {
        var signed = app.GetService<MediaUrls>().PathAndQuery(Image);
        var token = Uri.UnescapeDataString(signed[(signed.IndexOf("?t=", StringComparison.Ordinal) + 3)..]);
        var tampered = token[..^4] + (token[^4] == 'A' ? 'B' : 'A') + token[^3..];
        var other = app.GetService<MediaUrls>().PathAndQuery("demo/demo-02.jpg");

        (await client.GetAsync("/media/" + Image)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.GetAsync($"/media/{Image}?t={Uri.EscapeDataString(tampered)}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.GetAsync($"/media/{Image}?{other[(other.IndexOf('?') + 1)..]}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_expired_link_is_403()
    {
        // The same protector, with an expiry already past (no waiting for the real one).
        var protector = app.GetService<IDataProtectionProvider>().CreateProtector("PostingConsole.MediaUrl.v1").ToTimeLimitedDataProtector();
        var expired = protector.Protect(Image, DateTimeOffset.UtcNow.AddSeconds(-1));

        (await client.GetAsync($"/media/{Image}?t={Uri.EscapeDataString(expired)}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}

public class SecurityHeaderTests : IAsyncLifetime
{
    // Development: static web assets (and so the import map) are served as with the run command.
    private readonly ConsoleAppFactory app = new(environment: "Development");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Pages_carry_a_csp_whose_nonce_is_the_import_maps_and_nosniff_and_no_framing()
    {
        var client = await app.CreateSignedInClientAsync(Roles.Viewer);
        var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("object-src 'none'");
        csp.ShouldNotContain("unsafe-eval");
        var nonce = Regex.Match(csp, "script-src 'self' 'nonce-([^']+)'").Groups[1].Value;
        nonce.ShouldNotBeNullOrEmpty();
        html.ShouldContain($"<script type=\"importmap\" nonce=\"{nonce}\">");
        Regex.Count(html, "<script(?![^>]*\\bsrc=)(?![^>]*nonce=)[^>]*>").ShouldBe(0, "no inline script without the nonce");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");

        var second = (await client.GetAsync("/")).Headers.GetValues("Content-Security-Policy").Single();
        second.ShouldNotBe(csp, "a new nonce for every answer");
    }

    [Fact]
    public async Task The_tab_icon_is_served_to_anyone_and_every_page_links_it()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var icon = await client.GetAsync("/favicon.ico");

        icon.StatusCode.ShouldBe(HttpStatusCode.OK, "the browser asks for it on every page; a 404 is a console error");
        icon.Content.Headers.ContentType!.MediaType.ShouldBe("image/x-icon");
        (await icon.Content.ReadAsByteArrayAsync()).Take(4).ShouldBe(new byte[] { 0, 0, 1, 0 }, "an ICO file");
        (await client.GetStringAsync("/account/login")).ShouldContain("rel=\"icon\"");
    }

    [Fact]
    public async Task Api_answers_sign_in_page_and_errors_carry_the_headers_too()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var path in new[] { "/account/login", "/api/posts", "/healthz", "/media/nothing.jpg" })
        {
            var response = await client.GetAsync(path);
            response.Headers.Contains("Content-Security-Policy").ShouldBeTrue(path);
            response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff", path);
        }
    }
}

public class HttpsTests
{
    [Fact]
    public async Task Outside_development_http_is_redirected_to_https_and_https_answers_carry_hsts()
    {
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { ["https_port"] = "443" }, environment: "Production");

        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://console.example") });
        var redirected = await http.GetAsync("/healthz");
        redirected.StatusCode.ShouldBe(HttpStatusCode.TemporaryRedirect);
        redirected.Headers.Location!.AbsoluteUri.ShouldBe("https://console.example/healthz");

        var https = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://console.example") });
        (await https.GetAsync("/healthz")).Headers.GetValues("Strict-Transport-Security").Single().ShouldContain("max-age=");
    }
}

public class SignInTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        await ConsoleSignIn.EnsureUserAsync(app.Services, "locked-user", Roles.Operator);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.SignInAsync("locked-user", $"wrong-password-{i}");
            wrong.StatusCode.ShouldBe(HttpStatusCode.OK, "the form again, with an error");
        }

        var right = await client.SignInAsync("locked-user", ConsoleSignIn.Password);
        right.StatusCode.ShouldBe(HttpStatusCode.OK, "not signed in");
        (await right.Content.ReadAsStringAsync()).ShouldContain("계정이 잠겼습니다");
        (await app.GetService<UserAccounts>().ListAsync(CancellationToken.None)).Single(u => u.UserName == "locked-user").LockedOut.ShouldBeTrue();
        right.Headers.Contains("Set-Cookie").ShouldBeFalse("no sign-in cookie");
    }

    [Fact]
    public async Task The_sign_in_and_sign_out_forms_refuse_a_post_without_the_antiforgery_token()
    {
        await ConsoleSignIn.EnsureUserAsync(app.Services, "csrf-user", Roles.Admin);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var login = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.UserName"] = "csrf-user", ["Input.Password"] = ConsoleSignIn.Password,
        }));
        login.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        login.Headers.Contains("Set-Cookie").ShouldBeFalse();

        var signedIn = await app.CreateSignedInClientAsync(Roles.Admin);
        var logout = await signedIn.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }));
        logout.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await signedIn.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "still signed in");
    }

    [Fact]
    public async Task A_user_changes_their_password_and_only_the_new_one_signs_in()
    {
        var client = await app.CreateSignedInClientAsync(Roles.Viewer);
        var token = await client.FormTokenAsync("/account/password");

        var changed = await client.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "password", ["__RequestVerificationToken"] = token,
            ["Input.Current"] = ConsoleSignIn.Password, ["Input.New"] = "a-brand-new-password-42",
        }));
        (await changed.Content.ReadAsStringAsync()).ShouldContain("data-testid=\"password-changed\"");

        var fresh = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await fresh.SignInAsync("viewer-user", ConsoleSignIn.Password)).StatusCode.ShouldBe(HttpStatusCode.OK, "the old password no longer works");
        (await fresh.SignInAsync("viewer-user", "a-brand-new-password-42")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Theory]
    [InlineData("/audit")]
    [InlineData("/users")]
    [InlineData("/api-keys")]
    public async Task An_admin_screen_sends_a_viewer_or_operator_to_access_denied(string path)
    {
        foreach (var role in new[] { Roles.Viewer, Roles.Operator })
        {
            var client = await app.CreateSignedInClientAsync(role);
            var response = await client.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} {path}");
            response.Headers.Location!.ToString().ShouldContain("/account/denied");
        }

        var admin = await app.CreateSignedInClientAsync(Roles.Admin);
        (await admin.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_return_url_to_another_site_is_ignored()
    {
        await ConsoleSignIn.EnsureUserAsync(app.Services, "redirect-user", Roles.Viewer);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var token = await client.FormTokenAsync("/account/login?ReturnUrl=%2F%2Fevil.example%2F");

        var response = await client.PostAsync("/account/login?ReturnUrl=%2F%2Fevil.example%2F", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.UserName"] = "redirect-user", ["Input.Password"] = ConsoleSignIn.Password,
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("http://localhost/", "this site's own root, not the other site");
    }
}

public class LocalUrlTests
{
    [Theory]
    [InlineData("/failures?reason=Transient", "/failures?reason=Transient")]
    [InlineData("/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("failures", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void Only_a_path_of_this_site_is_kept(string? url, string expected) =>
        PostingConsole.Security.LocalUrl.OrRoot(url).ShouldBe(expected);
}
