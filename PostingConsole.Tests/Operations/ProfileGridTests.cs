using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Operations;

/// <summary>
/// The grid preview's data (issue 27) against the Sandbox over loopback: upcoming feed posts newest first above the published
/// ones, stories apart, and the account's media from Meta (posts made in the app too) read once and cached.
/// </summary>
public class ProfileGridTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Upcoming_posts_come_first_newest_first_then_the_published_with_Meta_s_media_read_once()
    {
        var persona = await app.AddPersonaAsync();
        var live = await app.AddPostAsync(persona);
        var carousel = await app.AddPostAsync(persona, new PostContent(MediaType.Carousel, Items: [PostItem.Image(null, "demo/demo-02.jpg"), PostItem.Image(null, "demo/demo-01.jpg")]));
        await app.RunOnceAsync();
        await app.RunOnceAsync(); // one post of a persona at a time
        // A photo posted in the app, not by the console: only Meta knows it.
        var container = app.Sandbox.AddContainer(persona.IgUserId, "https://cdn.example.com/app-photo.jpg", "앱에서 올린 사진", TimeSpan.Zero);
        var appMedia = app.Sandbox.Publish(container)!;
        var later = await app.AddPostAsync(persona, app.Now.AddDays(2));
        var sooner = await app.AddPostAsync(persona, app.Now.AddDays(1));
        var story = await app.AddPostAsync(persona, new PostContent(MediaType.Stories, ImagePath: "demo/demo-01.jpg"), at: app.Now.AddHours(5));

        var calls = app.Sandbox.Calls;
        var grid = (await app.GetService<ProfileGrid>().GetAsync(persona.Id, CancellationToken.None))!;

        grid.Upcoming.Select(t => t.Post!.Id).ShouldBe([later.Id, sooner.Id], "the grid's top left is the newest");
        grid.Stories.ShouldHaveSingleItem().Id.ShouldBe(story.Id, "stories stay out of the grid");
        grid.Published.Where(t => t.Post is not null).Select(t => t.Post!.Id).ShouldBe([live.Id, carousel.Id], ignoreOrder: true);
        var fromMeta = grid.Published.Single(t => t.Post is null).Media!;
        (fromMeta.Id, fromMeta.Picture).ShouldBe((appMedia.Id, "https://cdn.example.com/app-photo.jpg"));
        grid.MetaReadAt.ShouldNotBeNull();
        app.Sandbox.Calls.ShouldBe(calls + 1, "one call for the account's media");

        (await app.GetService<ProfileGrid>().GetAsync(persona.Id, CancellationToken.None))!.Published.Count.ShouldBe(3);
        app.Sandbox.Calls.ShouldBe(calls + 1, "read once when opened, then kept");
    }
}
