using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Components.Pages.PostDetail;
using PostingConsole.Components.Pages.Queue;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Components;

/// <summary>Stories, reels and carousels on the screens: the detail page's previews, the queue's media badge and filter.</summary>
public class MediaScreensTests : ConsoleComponentTest
{
    private async Task<Post> SeedAsync(PostContent content, string caption = "미디어 포스팅")
    {
        var now = Time.GetUtcNow().UtcDateTime;
        await using var db = Db();
        var persona = db.Personas.FirstOrDefault() ?? Persona.Create("지수", "1784000111", "x", "abcd", null, now);
        if (persona.Id == 0)
        {
            db.Personas.Add(persona);
            await db.SaveChangesAsync();
        }

        var post = Post.Create(persona.Id, content, caption, ["데일리"], now.AddMinutes(5), null, now);
        db.Posts.Add(post);
        await db.SaveChangesAsync();
        return post;
    }

    [Fact]
    public async Task A_carousel_is_previewed_as_a_strip_of_its_items_in_order()
    {
        var post = await SeedAsync(new PostContent(MediaType.Carousel,
            Items: [PostItem.Image(null, "demo/a.jpg"), PostItem.Video(null, "demo/clip.mp4"), PostItem.Image("https://cdn.example.com/3.jpg", null)]));

        var page = RenderPage<PostDetailPage>(p => p.Add(x => x.Id, post.Id));

        page.WaitForAssertion(() => page.FindAll("[data-testid=carousel-item]").Count.ShouldBe(3));
        var items = page.FindAll("[data-testid=carousel-item]");
        items.Select(i => i.GetAttribute("data-kind")).ShouldBe(["image", "video", "image"]);
        items[0].QuerySelector("img")!.GetAttribute("src").ShouldStartWith("/media/demo/a.jpg?t=", Case.Sensitive);
        items[1].QuerySelector("video")!.GetAttribute("src").ShouldStartWith("/media/demo/clip.mp4?t=", Case.Sensitive);
        items[2].QuerySelector("img")!.GetAttribute("src").ShouldBe("https://cdn.example.com/3.jpg");
        items[1].TextContent.ShouldContain("2/3");
        page.Find("[data-testid=media-type]").TextContent.ShouldContain("캐러셀 3");
        page.FindAll("[data-testid=post-image]").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_story_is_previewed_in_a_9_16_frame()
    {
        var post = await SeedAsync(new PostContent(MediaType.Stories, ImagePath: "demo/a.jpg"), caption: "");

        var page = RenderPage<PostDetailPage>(p => p.Add(x => x.Id, post.Id));

        page.WaitForAssertion(() => page.Find("[data-testid=story-frame]").GetAttribute("style")!.ShouldContain("aspect-ratio:9/16"));
        page.Find("[data-testid=story-frame] img").GetAttribute("src").ShouldStartWith("/media/demo/a.jpg?t=", Case.Sensitive);
        page.Find("[data-testid=media-type]").TextContent.ShouldContain("스토리");
        page.Find("[data-testid=story-caption-note]").TextContent.ShouldContain("캡션이 표시되지 않습니다");
    }

    [Fact]
    public async Task A_reel_is_previewed_as_a_player_with_its_cover()
    {
        var post = await SeedAsync(new PostContent(MediaType.Reels, VideoPath: "demo/clip.mp4", CoverUrl: "https://cdn.example.com/cover.jpg", ShareToFeed: false));

        var page = RenderPage<PostDetailPage>(p => p.Add(x => x.Id, post.Id));

        page.WaitForAssertion(() => page.Find("[data-testid=reel-player]").GetAttribute("poster").ShouldBe("https://cdn.example.com/cover.jpg"));
        page.Find("[data-testid=reel-player]").GetAttribute("src").ShouldStartWith("/media/demo/clip.mp4?t=", Case.Sensitive);
        page.Find("[data-testid=reel-player]").HasAttribute("controls").ShouldBeTrue();
        page.Find("[data-testid=reel-cover] img").GetAttribute("src").ShouldBe("https://cdn.example.com/cover.jpg");
        page.Find("[data-testid=reel-preview]").TextContent.ShouldContain("릴스 탭에만 게시");
    }

    [Fact]
    public async Task The_queue_badges_each_post_with_its_media_type_and_filters_by_it()
    {
        await SeedAsync(PostContent.Image(null, "demo/a.jpg"));
        await SeedAsync(new PostContent(MediaType.Reels, VideoPath: "demo/clip.mp4"));
        await SeedAsync(new PostContent(MediaType.Stories, VideoPath: "demo/clip.mp4"), caption: "");

        var all = RenderPage<QueuePage>();
        all.WaitForAssertion(() => all.FindAll("[data-testid=post-card]").Count.ShouldBe(3));
        all.FindAll("[data-testid=media-type]").Select(b => b.GetAttribute("data-media-type")).ShouldBe(["IMAGE", "REELS", "STORIES"], ignoreOrder: true);
        // A video without a picture shows its first frame, not a broken image or a black box.
        all.FindAll("[data-testid=thumbnail-video]").Select(v => v.GetAttribute("src")).ShouldAllBe(src => src!.StartsWith("/media/demo/clip.mp4?", StringComparison.Ordinal));
        all.FindAll("[data-testid=thumbnail-video]").Count.ShouldBe(2);
    }

    [Fact]
    public async Task The_queue_filtered_by_media_type_lists_only_that_type()
    {
        await SeedAsync(PostContent.Image(null, "demo/a.jpg"));
        var reel = await SeedAsync(new PostContent(MediaType.Reels, VideoPath: "demo/clip.mp4"));

        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/?media=REELS");
        var reels = RenderPage<QueuePage>();

        reels.WaitForAssertion(() => reels.FindAll("[data-testid=post-card]").Select(c => c.GetAttribute("data-post-id")).ShouldBe([reel.Id.ToString()]));
    }
}
