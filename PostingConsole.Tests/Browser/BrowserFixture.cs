using System.Net.Http.Json;
using Microsoft.Playwright;
using PostingConsole.Api;
using PostingConsole.Security;
using PostingConsole.Tests.Benchmarks;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Domain;

namespace PostingConsole.Tests.Browser;

/// <summary>
/// The console in Sandbox mode, listening on a loopback port and dispatching for real, and Debian's Chromium driven by
/// Playwright (no browser download: the executable is /usr/bin/chromium). The tests make the data they look at; the demo's
/// 100 personas and 400 posts are seeded only where a screen is shown full (<see cref="DemoBrowserFixture"/>).
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    protected virtual bool SeedDemo => false;

    /// <summary>Settings of the console on top of the fixture's.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>
    /// How long a browser step may wait (a navigation, a selector, an Expect): Playwright's 5 s default is short while the suite
    /// publishes a single-file build and runs console processes on the same 2 cores (and CI's stress beside them). A bound, not a pause.
    /// </summary>
    public const float Patience = 45_000;

    private IPlaywright? playwright;

    public EngineHarness App { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;
    public string BaseUrl => App.BaseUrl.AbsoluteUri.TrimEnd('/');

    public static string ScreenshotFolder => RepositoryPaths.Artifacts("screenshots");

    /// <summary>Signed-in browser state per role (cookies), made once by signing in through the real form.</summary>
    private readonly Dictionary<string, string> signedIn = [];

    public virtual async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Posting:AutoDispatch"] = "true",
            ["Sandbox:SeedDemo"] = SeedDemo ? "true" : "false",
            ["Graph:ContainerPollInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        App = EngineHarness.Start(settings, realTime: true, environment: "Development");
        App.Sandbox.ContainerProcessing = TimeSpan.FromMilliseconds(300);
        Api = App.CreateApiClient();
        Api.BaseAddress = App.BaseUrl;

        playwright = await Playwright.CreateAsync();
        // Expect(...) waits as long as the actions do (its 5 s default is short with the suite's other work on the same 2 cores).
        Assertions.SetDefaultExpectTimeout(Patience);
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Pages not in front are not throttled: every open tab keeps its live connection and timers running, as on operators' screens.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-renderer-backgrounding", "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"],
        });

        foreach (var role in Roles.All)
        {
            var userName = UserName(role);
            await ConsoleSignIn.EnsureUserAsync(App.Services, userName, role);
            await using var context = await Browser.NewContextAsync();
            context.SetDefaultTimeout(Patience);
            var page = await context.NewPageAsync();
            await SignInAsync(page, userName, ConsoleSignIn.Password);
            await page.WaitForURLAsync(BaseUrl + "/");
            signedIn[role] = await context.StorageStateAsync();
        }
    }

    /// <summary>The signed-in browser state (Playwright's storage-state JSON: cookies) of <paramref name="role"/>.</summary>
    public string SignedInState(string role) => signedIn[role];

    public static string UserName(string role) => $"{role.ToLowerInvariant()}-browser";

    /// <summary>Fills and submits the sign-in form on <paramref name="page"/>.</summary>
    public async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync(BaseUrl + "/account/login");
        await page.FillAsync("[data-testid=login-user]", userName);
        await page.FillAsync("[data-testid=login-password]", password);
        await page.ClickAsync("[data-testid=login-submit]");
    }

    /// <summary>A new page, signed in with <paramref name="role"/>, that has waited for the Blazor circuit, so clicks reach the server.</summary>
    public async Task<IPage> OpenAsync(string path, string locale = "ko-KR", string role = Roles.Admin)
    {
        var page = await NewPageAsync(locale, role);
        await page.GotoAsync(BaseUrl + path);
        await page.WaitForSelectorAsync("[data-testid=interactive]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = Patience });
        return page;
    }

    /// <summary>Every error Chromium's console showed (a failed request, a script error), on any page opened here.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> ConsoleErrors { get; } = new();

    /// <summary>Everything Chromium reported as blocked by the Content-Security-Policy, on any page opened here.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> CspViolations { get; } = new();

    /// <summary>A blank page in a browser context signed in with <paramref name="role"/> (null: signed out).</summary>
    public async Task<IPage> NewPageAsync(string locale = "ko-KR", string? role = Roles.Admin)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 }, Locale = locale, StorageState = role is null ? null : signedIn[role],
        });
        // Playwright's 5 s default is short while the suite publishes a single-file build on the same 2 cores.
        context.SetDefaultTimeout(Patience);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) CspViolations.Enqueue($"{page.Url}: {message.Text}");
            if (message.Type == "error") ConsoleErrors.Enqueue($"{page.Url}: {message.Text}");
        };
        page.PageError += (_, error) => ConsoleErrors.Enqueue($"{page.Url}: {error}");
        return page;
    }

    public async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png") });

    public async Task<PostResponse> CreatePostAsync(int personaId, DateTimeOffset at, string caption)
    {
        var response = await Api.PostAsJsonAsync("/api/posts", new
        {
            personaId, imagePath = "demo/demo-04.jpg", caption, hashtags = new[] { "브라우저테스트" }, scheduledAt = at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz"),
        });
        response.EnsureSuccessStatusCode();
        return await response.ReadAsync<PostResponse>();
    }

    public async Task WaitForStatusAsync(int postId, PostStatus status, TimeSpan? limit = null) =>
        await WaitForAsync(async () => (await Api.GetFromJsonAsync<PostResponse>($"/api/posts/{postId}", ApiClientExtensions.Json))!.Status == status, limit);

    /// <summary>Waits (real time, at most <paramref name="limit"/>, 40 s unless given) for a condition the running console makes true; fails the test when it never does.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan? limit = null)
    {
        var within = limit ?? TimeSpan.FromSeconds(40);
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"condition not met in {within.TotalSeconds:0} s");
            await Task.Delay(200);
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>
/// Three browser collections, each with a console and a Chromium of its own (a fixture per collection), so they run side by
/// side; the tests inside one share it and run one after another (the stop button stops that console's dispatch).
/// </summary>
public static class BrowserCollections
{
    public const string LiveUpdates = "browser-live-updates";
    public const string Access = "browser-access";
    public const string Screens = "browser-screens";
    public const string ScaleOut = "browser-scale-out";
}

[CollectionDefinition(BrowserCollections.ScaleOut)]
public sealed class ScaleOutBrowserCollection : ICollectionFixture<TwoInstancesBrowserFixture>;

/// <summary>
/// Two consoles on one PostgreSQL database: the browser's (<see cref="BrowserFixture.App"/>, which serves screens and the API
/// and dispatches nothing) and <see cref="Worker"/>, which runs the queue.
/// </summary>
public sealed class TwoInstancesBrowserFixture : BrowserFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Postgres",
        ["Posting:AutoDispatch"] = "false",
    };

    public EngineHarness Worker { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Worker = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Posting"] = App.PostgresDatabase,
            ["Posting:AutoDispatch"] = "true",
            ["Graph:ContainerPollInterval"] = "00:00:00.200",
        }, realTime: true);
        Worker.Sandbox.ContainerProcessing = TimeSpan.FromMilliseconds(300);
    }

    public override async Task DisposeAsync()
    {
        await Worker.DisposeAsync();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(BrowserCollections.LiveUpdates)]
public sealed class LiveUpdatesBrowserCollection : ICollectionFixture<BrowserFixture>;

[CollectionDefinition(BrowserCollections.Access)]
public sealed class AccessBrowserCollection : ICollectionFixture<BrowserFixture>;

[CollectionDefinition(BrowserCollections.Screens)]
public sealed class ScreensBrowserCollection : ICollectionFixture<DemoBrowserFixture>;

/// <summary>The console with the demo's personas and posts (publishing as the demo does), for screens shown full.</summary>
public sealed class DemoBrowserFixture : BrowserFixture
{
    protected override bool SeedDemo => true;

    /// <summary>Two alert channels that do not answer (a refused loopback port), so the alerts' page shows deliveries waiting.</summary>
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Alerts:Channels:0:Kind"] = "Slack",
        ["Alerts:Channels:0:Target"] = "http://127.0.0.1:9/services/T000/B000/demo",
        ["Alerts:Channels:1:Kind"] = "Telegram",
        ["Alerts:Channels:1:Target"] = "123456:ABC-demo:-1001234567890",
        ["Alerts:Channels:1:Language"] = "en",
        ["Alerts:Channels:1:Alerts:0"] = "AuthExpired",
        ["Alerts:TelegramApi"] = "http://127.0.0.1:9/",
    };
}
