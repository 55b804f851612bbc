using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Data;

public class DemoSeedTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new(new Dictionary<string, string?> { ["Sandbox:SeedDemo"] = "true" });

    public Task InitializeAsync()
    {
        app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Sandbox_mode_on_an_empty_database_creates_100_korean_personas_and_a_day_of_posts()
    {
        await using var db = app.CreateDbContext();
        var personas = await db.Personas.ToListAsync();
        personas.Count.ShouldBe(100);
        personas.Select(p => p.Name).Distinct().Count().ShouldBe(100);
        personas.ShouldAllBe(p => p.Name.All(c => c >= '가' && c <= '힣'));
        personas.Count(p => p.SandboxFault != SandboxFault.None).ShouldBe(DemoSeeder.DemoFaults.Count);

        var all = await db.Posts.ToListAsync();
        // The demo's past: two published photos a day per account over Sandbox:DemoHistoryDays, their insights due (read in the first minutes).
        var history = all.Where(p => p.Status == PostStatus.Published).ToList();
        var withPast = 100 - DemoSeeder.DemoFaults.Count(f => f.Value is not (SandboxFault.SmallAudience or SandboxFault.LostCommentAnswer));
        history.Count.ShouldBe(withPast * 14 * 2);
        // Their reads are due at once (the demo's insights clock runs 720 times faster: 24 h in 2 minutes), or within those 2 minutes
        // for a post of yesterday at 23:59 when the demo is seeded just after midnight in Seoul (15:00 UTC).
        history.ShouldAllBe(p => p.MediaId != null && p.PublishedAt < DateTime.UtcNow && p.InsightsDueAt <= p.PublishedAt!.Value.AddMinutes(2)
                                 && p.InsightsDueAt < DateTime.UtcNow.AddMinutes(2) && p.MediaType == MediaType.Image);
        history.ShouldAllBe(p => p.ExternalId!.StartsWith("demo-history-"));
        var posts = all.Except(history).ToList();
        posts.Count.ShouldBe(400);
        var now = DateTime.UtcNow;
        posts.ShouldAllBe(p => p.ScheduledAt > now.AddMinutes(-5) && p.ScheduledAt < now.AddHours(25));
        // Every post's media is a demo file: mostly photos, and some carousels, reels and stories.
        posts.SelectMany(p => p.Items.Select(i => i.Source.Path).Append(p.Media.Path)).Where(path => path != null)
            .ShouldAllBe(path => path!.StartsWith("demo/"));
        // One post's picture was "deleted upstream": a URL on the Sandbox's CDN that answers 404, for the readiness screen.
        var missing = $"demo-{DemoSeeder.MissingUrlPost.Persona}-{DemoSeeder.MissingUrlPost.Post}";
        posts.Where(p => p.MediaType != MediaType.Carousel && p.ExternalId != missing).ShouldAllBe(p => p.Media.Path != null);
        posts.Single(p => p.ExternalId == missing).ImageUrl.ShouldBe($"http://{DemoSeeder.CdnHost}/demo/deleted-by-upstream.jpg");
        var byType = posts.GroupBy(p => p.MediaType).ToDictionary(g => g.Key, g => g.Count());
        byType.Keys.ShouldBe(MediaTypes.All, ignoreOrder: true);
        byType[MediaType.Image].ShouldBeGreaterThan(posts.Count / 2);
        posts.Where(p => p.MediaType == MediaType.Carousel).ShouldAllBe(p => p.Items.Count == 3);
    }

    [Fact]
    public async Task The_demo_shows_labelled_posts_a_carousel_with_collaborators_and_first_comments()
    {
        await using var db = app.CreateDbContext();
        var upcoming = await db.Posts.Include(p => p.Persona).Where(p => p.Status != PostStatus.Published).ToListAsync();
        upcoming.Count(p => p.AiGenerated).ShouldBeGreaterThan(upcoming.Count / 2, "personas label their generated images by default");
        upcoming.Where(p => p.Persona!.Name == DemoSeeder.KoreanNames().ElementAt(DemoSeeder.UnlabelledPersona - 1))
            .ShouldAllBe(p => !p.AiGenerated, "one persona's default is off");
        var carousel = upcoming.Where(p => p.MediaType == MediaType.Carousel).OrderBy(p => p.ScheduledAt).First();
        carousel.Fields.Collaborators.ShouldBe(["sora.lee", "jun_ho"]);
        carousel.FirstComment.ShouldNotBeNullOrEmpty();
        carousel.ScheduledAt.ShouldBeLessThan(DateTime.UtcNow.AddSeconds(30), "a first-minute post: a newcomer sees it go out with its comment");
        upcoming.Count(p => p.FirstCommentState == FirstCommentState.Pending).ShouldBeGreaterThan(50);
        upcoming.Where(p => p.FirstComment != null).ShouldAllBe(p => p.MediaType != MediaType.Stories);
    }

    [Fact]
    public async Task A_newcomer_sees_posts_go_out_within_seconds_of_the_first_start()
    {
        await using var fresh = EngineHarness.Start(new Dictionary<string, string?> { ["Sandbox:SeedDemo"] = "true" });
        var started = fresh.Now;
        await using (var db = fresh.CreateDbContext())
        {
            var soon = await db.Posts.Where(p => p.ScheduledAt <= started.AddSeconds(10) && p.Status != PostStatus.Published).ToListAsync();
            soon.Count.ShouldBe(DemoSeeder.FirstMinutePosts);
            soon.Select(p => p.PersonaId).Distinct().Count().ShouldBe(DemoSeeder.FirstMinutePosts, "one each, so they run side by side");
            soon.Select(p => p.MediaType).Distinct().ShouldBe(MediaTypes.All, ignoreOrder: true, "one of each kind in the first seconds");
        }

        // Ten seconds later (the harness's clock), the wake-up finds them due and publishes them.
        fresh.Time.Advance(TimeSpan.FromSeconds(10));
        await fresh.RunOnceAsync();
        await using (var db = fresh.CreateDbContext())
        {
            // All but the demo persona whose token is dead (it shows as a failure at once, too).
            var faulty = DemoSeeder.DemoFaults.Keys.Count(number => number <= DemoSeeder.FirstMinutePosts);
            (await db.Posts.CountAsync(p => p.Status == PostStatus.Published && !p.ExternalId!.StartsWith("demo-history-"))).ShouldBe(DemoSeeder.FirstMinutePosts - faulty);
        }
    }

    [Fact]
    public async Task The_demo_images_are_real_jpegs_the_console_serves()
    {
        await using var db = app.CreateDbContext();
        var post = await db.Posts.FirstAsync();
        var response = await app.CreateClient().GetAsync("/" + app.GetService<PostingConsole.Security.MediaUrls>().PathAndQuery(post.ImagePath!));

        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.Length.ShouldBeGreaterThan(10_000);
        bytes[..3].ShouldBe(new byte[] { 0xFF, 0xD8, 0xFF }, "JPEG start-of-image marker");
        bytes[^2..].ShouldBe(new byte[] { 0xFF, 0xD9 }, "JPEG end-of-image marker");
    }

    [Fact]
    public async Task Seeding_is_not_repeated_on_a_database_that_has_personas()
    {
        await app.GetService<DemoSeeder>().SeedIfEmptyAsync(CancellationToken.None);
        await using var db = app.CreateDbContext();
        (await db.Personas.CountAsync()).ShouldBe(100);
    }

    [Fact]
    public async Task The_media_endpoint_serves_nothing_outside_the_media_root()
    {
        // No redirects followed: an anonymous request for an unknown path is sent to the sign-in page, which is no file either.
        File.Exists(app.DatabaseFile).ShouldBeTrue("there is a file one level above the media root to reach for");
        var urls = app.GetService<PostingConsole.Security.MediaUrls>();
        foreach (var target in new[] { "../posting.db", "demo/../../posting.db", "..\\posting.db", "demo/missing.jpg" })
        {
            // Signed as if the link had been issued for it, so only the media root's own check stands in the way; and handed
            // to the app with the path as written (an HttpClient, and Kestrel, would resolve the dot segments first).
            var signed = urls.PathAndQuery(target);
            var context = await app.Server.SendAsync(c =>
            {
                c.Request.Method = "GET";
                c.Request.Path = "/media/" + target;
                c.Request.QueryString = new QueryString(signed[signed.IndexOf('?')..]);
            });
            context.Response.StatusCode.ShouldBe(StatusCodes.Status404NotFound, target);
            var body = new byte[16];
            var read = await context.Response.Body.ReadAsync(body);
            body[..read].ShouldNotBe("SQLite format 3\0"u8.ToArray(), target);
        }
    }
}
