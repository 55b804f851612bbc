using System.Net;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Components;

/// <summary>
/// What a change costs every open screen: its live circuit (the real console, a <see cref="LightCircuit"/> for the tab) is sent
/// what changed, not its page again. The personas board once sent its whole table for each published post (1.4 MB a publish
/// with 100 personas), and the progress screen rewrote its 300 log lines and its charts (76 KB a publish).
/// </summary>
public sealed class LiveScreenPushTests : IAsyncLifetime
{
    private const int Personas = 60;
    private const int Publishes = 3;

    private readonly EngineHarness app = EngineHarness.Start(new Dictionary<string, string?> { ["Posting:AutoDispatch"] = "true" }, realTime: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_published_post_sends_each_open_screen_what_changed_not_its_page_again()
    {
        var personas = new List<Persona>();
        for (var i = 0; i < Personas; i++) personas.Add(await app.AddPersonaAsync($"화면{i}"));
        await using (var db = app.CreateDbContext())
        {
            // A full live log, as on a console that has run a while: a new line pushes the oldest out.
            var at = DateTime.UtcNow.AddMinutes(-30);
            for (var i = 0; i < 300; i++) db.ActivityLog.Add(new ActivityLogEntry { At = at.AddSeconds(i), Level = ActivityLevel.Info, Message = $"기록 {i}" });
            await db.SaveChangesAsync();
        }

        var posts = new List<int>();
        for (var i = 0; i < Publishes; i++)
        {
            var post = Post.Create(personas[i].Id, null, "demo/demo-01.jpg", $"화면 {i}", null, DateTime.UtcNow.AddHours(1), null, DateTime.UtcNow);
            await using var db = app.CreateDbContext();
            db.Posts.Add(post);
            await db.SaveChangesAsync();
            posts.Add(post.Id);
        }

        var cookies = new CookieContainer();
        using (var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app.BaseUrl })
        {
            await ConsoleSignIn.EnsureUserAsync(app.Services, "screens", Roles.Admin);
            (await http.SignInAsync("screens", ConsoleSignIn.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        var screens = new Dictionary<string, LightCircuit>();
        try
        {
            foreach (var path in new[] { "/", "/?list=true", "/progress", "/personas" }) screens[path] = await LightCircuit.OpenAsync(app.BaseUrl, path, cookies);
            // Opened: every screen has shown its page (the queue its cards, the board its rows, the progress screen its log).
            await Condition.WaitUntilAsync(() => screens["/"].FirstBatchWith("post-card", 0) is not null && screens["/?list=true"].FirstBatchWith("post-row", 0) is not null
                && screens["/personas"].FirstBatchWith("persona-row", 0) is not null && screens["/progress"].FirstBatchWith("log-line", 0) is not null);
            await QuietAsync(screens.Values);
            var page = screens.ToDictionary(s => s.Key, s => s.Value.BatchesSince(0).Bytes);

            var operations = app.GetService<PostOperations>();
            foreach (var id in posts)
            {
                var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                (await operations.PublishNowAsync(TestActors.Admin, id, republish: false, CancellationToken.None)).Succeeded.ShouldBeTrue();
                await Condition.WaitUntilAsync(() => IsPublished(id));
                // Every screen is sent the change itself: the post's card and row turned Published, its persona's row with its new
                // last post time, and the log's line naming the new media.
                var (mediaId, lastPost) = Published(id);
                await Condition.WaitUntilAsync(() => screens["/"].FirstBatchWith(nameof(PostStatus.Published), sent) is not null
                    && screens["/?list=true"].FirstBatchWith(nameof(PostStatus.Published), sent) is not null
                    && screens["/personas"].FirstBatchWith(lastPost, sent) is not null
                    && screens["/progress"].FirstBatchWith(mediaId, sent) is not null);
                await QuietAsync(screens.Values);
            }

            var figures = screens.Select(s => (Path: s.Key, Page: page[s.Key], PerPublish: (s.Value.BatchesSince(0).Bytes - page[s.Key]) / Publishes)).ToList();
            var report = string.Join("; ", figures.Select(f => $"{f.Path}: page {f.Page} bytes, {f.PerPublish} a publish"));
            figures.Where(f => f.PerPublish >= f.Page / 8).ShouldBeEmpty(report);
            screens.Values.SelectMany(s => s.Errors).ShouldBeEmpty();
        }
        finally
        {
            foreach (var screen in screens.Values) await screen.DisposeAsync();
        }
    }

    /// <summary>Until no screen has been sent anything for half a second (a refresh's follow-ups have arrived).</summary>
    private static async Task QuietAsync(IEnumerable<LightCircuit> screens)
    {
        await Condition.WaitUntilAsync(async () =>
        {
            var before = screens.Sum(s => s.Batches);
            await Task.Delay(500);
            return screens.Sum(s => s.Batches) == before;
        });
    }

    /// <summary>The post's media id, and its persona's last post time as the board shows it.</summary>
    private (string MediaId, string LastPost) Published(int id)
    {
        using var db = app.CreateDbContext();
        var post = db.Posts.Where(p => p.Id == id).Select(p => new { p.MediaId, p.Persona!.LastPublishedAt }).Single();
        return (post.MediaId.ShouldNotBeNull(), app.GetService<ConsoleClock>().Format(post.LastPublishedAt.ShouldNotBeNull()));
    }

    private bool IsPublished(int id)
    {
        using var db = app.CreateDbContext();
        return db.Posts.Single(p => p.Id == id).Status == PostStatus.Published;
    }
}
