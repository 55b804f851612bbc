using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Api;

/// <summary>
/// <c>POST /api/posts</c> with a <c>mediaType</c>: each type's fields, Meta's limits on local files, and 400 naming the field
/// with nothing written for a bad one.
/// </summary>
public class MediaTypeIntakeTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new();
    private HttpClient client = null!;
    private int personaId;

    public async Task InitializeAsync()
    {
        client = app.CreateApiClient();
        personaId = (await client.CreatePersonaAsync()).Id;
        await TestMedia.WriteAsync(app.MediaRoot, "in/feed.jpg", TestMedia.Jpeg(1080, 1350));
        await TestMedia.WriteAsync(app.MediaRoot, "in/tall.jpg", TestMedia.Jpeg(1080, 1920));
        await TestMedia.WriteAsync(app.MediaRoot, "in/clip.mp4", TestMedia.Mp4());
        await TestMedia.WriteAsync(app.MediaRoot, "in/clip-not-video.mp4", TestMedia.Jpeg(1080, 1920));
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Dictionary<string, object?> Body(string mediaType, Action<Dictionary<string, object?>> media) 
    {
        var body = new Dictionary<string, object?>
        {
            ["personaId"] = personaId,
            ["mediaType"] = mediaType,
            ["caption"] = "오늘의 기록",
            ["scheduledAt"] = "2026-12-24T12:00:00+09:00",
        };
        media(body);
        return body;
    }

    private static object[] Items(int count) =>
        Enumerable.Range(0, count).Select(i => (object)new { imageUrl = $"https://cdn.example.com/{i}.jpg" }).ToArray();

    private async Task ShouldBeRefusedNamingAsync(string field, Dictionary<string, object?> body)
    {
        var response = await client.PostAsJsonAsync("/api/posts", body);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = await response.ReadProblemErrorsAsync();
        errors.Keys.ShouldContain(field, $"errors named: {string.Join(", ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
        await using var db = app.CreateDbContext();
        (await db.Posts.CountAsync()).ShouldBe(0, "nothing is written for a refused request");
    }

    private async Task<JsonElement> ShouldBeCreatedAsync(Dictionary<string, object?> body)
    {
        var response = await client.PostAsJsonAsync("/api/posts", body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(11)]
    [InlineData(0)]
    public async Task A_carousel_of_other_than_2_to_10_items_names_items(int count) =>
        await ShouldBeRefusedNamingAsync("items", Body("CAROUSEL", b => b["items"] = Items(count)));

    [Fact]
    public async Task A_carousel_without_items_names_items() => await ShouldBeRefusedNamingAsync("items", Body("CAROUSEL", _ => { }));

    [Fact]
    public async Task A_carousel_item_with_both_an_image_and_a_video_names_that_item() =>
        await ShouldBeRefusedNamingAsync("items[1]", Body("CAROUSEL", b => b["items"] = new object[]
        {
            new { imageUrl = "https://cdn.example.com/a.jpg" },
            new { imageUrl = "https://cdn.example.com/b.jpg", videoUrl = "https://cdn.example.com/b.mp4" },
        }));

    [Fact]
    public async Task A_carousel_item_with_a_local_image_outside_the_feed_aspect_ratio_names_its_imagePath() =>
        await ShouldBeRefusedNamingAsync("items[0].imagePath", Body("CAROUSEL", b => b["items"] = new object[]
        {
            new { imagePath = "in/tall.jpg" },
            new { imageUrl = "https://cdn.example.com/b.jpg" },
        }));

    [Fact]
    public async Task An_unknown_media_type_names_mediaType() => await ShouldBeRefusedNamingAsync("mediaType", Body("GIF", b => b["imageUrl"] = "https://cdn.example.com/a.jpg"));

    [Fact]
    public async Task A_reel_without_a_video_names_videoUrl() => await ShouldBeRefusedNamingAsync("videoUrl", Body("REELS", _ => { }));

    [Fact]
    public async Task A_reel_with_an_image_names_imageUrl() =>
        await ShouldBeRefusedNamingAsync("imageUrl", Body("REELS", b => { b["videoUrl"] = "https://cdn.example.com/r.mp4"; b["imageUrl"] = "https://cdn.example.com/a.jpg"; }));

    [Fact]
    public async Task A_story_with_both_an_image_and_a_video_names_imageUrl() =>
        await ShouldBeRefusedNamingAsync("imageUrl", Body("STORIES", b => { b["videoUrl"] = "https://cdn.example.com/r.mp4"; b["imageUrl"] = "https://cdn.example.com/a.jpg"; }));

    [Fact]
    public async Task A_local_video_that_is_not_MP4_or_MOV_names_videoPath() =>
        await ShouldBeRefusedNamingAsync("videoPath", Body("REELS", b => b["videoPath"] = "in/clip-not-video.mp4"));

    [Fact]
    public async Task A_cover_on_an_image_post_names_coverUrl() =>
        await ShouldBeRefusedNamingAsync("coverUrl", Body("IMAGE", b => { b["imageUrl"] = "https://cdn.example.com/a.jpg"; b["coverUrl"] = "https://cdn.example.com/c.jpg"; }));

    [Fact]
    public async Task A_9_16_image_is_refused_for_the_feed_but_taken_for_a_story()
    {
        await ShouldBeRefusedNamingAsync("imagePath", Body("IMAGE", b => b["imagePath"] = "in/tall.jpg"));
        var story = await ShouldBeCreatedAsync(Body("STORIES", b => b["imagePath"] = "in/tall.jpg"));
        story.GetProperty("mediaType").GetString().ShouldBe("STORIES");
    }

    [Fact]
    public async Task A_story_needs_no_caption()
    {
        var body = Body("STORIES", b => b["videoPath"] = "in/clip.mp4");
        body.Remove("caption");
        var story = await ShouldBeCreatedAsync(body);
        story.GetProperty("videoPath").GetString().ShouldBe("in/clip.mp4");
        story.GetProperty("finalCaption").GetString().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_reel_and_a_carousel_are_taken_and_read_back_with_their_media()
    {
        var reel = await ShouldBeCreatedAsync(Body("REELS", b =>
        {
            b["videoUrl"] = "https://cdn.example.com/r.mp4";
            b["coverUrl"] = "https://cdn.example.com/c.jpg";
            b["shareToFeed"] = false;
        }));
        reel.GetProperty("mediaType").GetString().ShouldBe("REELS");
        reel.GetProperty("coverUrl").GetString().ShouldBe("https://cdn.example.com/c.jpg");
        reel.GetProperty("shareToFeed").GetBoolean().ShouldBeFalse();

        var carousel = await ShouldBeCreatedAsync(Body("CAROUSEL", b => b["items"] = new object[]
        {
            new { imagePath = "in/feed.jpg" },
            new { videoPath = "in/clip.mp4" },
            new { imageUrl = "https://cdn.example.com/3.jpg", imagePath = "in/feed.jpg" },
        }));
        var read = await client.GetFromJsonAsync<JsonElement>($"/api/posts/{carousel.GetProperty("id").GetInt32()}");
        read.GetProperty("mediaType").GetString().ShouldBe("CAROUSEL");
        var items = read.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(3);
        items[1].GetProperty("videoPath").GetString().ShouldBe("in/clip.mp4");
        items[2].GetProperty("imageUrl").GetString().ShouldBe("https://cdn.example.com/3.jpg");
    }

    [Fact]
    public async Task The_list_filters_by_mediaType_and_names_a_bad_one()
    {
        await ShouldBeCreatedAsync(Body("IMAGE", b => b["imagePath"] = "in/feed.jpg"));
        var reel = await ShouldBeCreatedAsync(Body("REELS", b => b["videoPath"] = "in/clip.mp4"));

        var list = await client.GetFromJsonAsync<JsonElement>("/api/posts?mediaType=REELS");
        list.GetProperty("total").GetInt32().ShouldBe(1);
        list.GetProperty("items")[0].GetProperty("id").GetInt32().ShouldBe(reel.GetProperty("id").GetInt32());
        (await client.GetFromJsonAsync<JsonElement>("/api/posts")).GetProperty("total").GetInt32().ShouldBe(2);

        var bad = await client.GetAsync("/api/posts?mediaType=VIDEO");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.ReadProblemErrorsAsync()).Keys.ShouldContain("mediaType");
    }

    [Fact]
    public async Task A_local_JPEG_with_bytes_after_its_end_marker_is_taken()
    {
        // Phones append data after the image (motion photos); Meta takes the image.
        await TestMedia.WriteAsync(app.MediaRoot, "in/motion.jpg", [.. TestMedia.Jpeg(1080, 1080), .. new byte[64]]);
        await ShouldBeCreatedAsync(Body("IMAGE", b => b["imagePath"] = "in/motion.jpg"));
    }

    [Fact]
    public async Task An_11_item_carousel_is_refused_for_its_count_without_reading_its_items()
    {
        var items = Enumerable.Range(0, 11).Select(_ => (object)new { imagePath = "in/missing.jpg" }).ToArray();
        var response = await client.PostAsJsonAsync("/api/posts", Body("CAROUSEL", b => b["items"] = items));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadProblemErrorsAsync()).Keys.ShouldBe(["items"]);
    }

    [Fact]
    public async Task An_unknown_mediaType_is_the_only_media_error_named()
    {
        var response = await client.PostAsJsonAsync("/api/posts", Body("GIF", b => b["videoUrl"] = "https://cdn.example.com/a.mp4"));
        (await response.ReadProblemErrorsAsync()).Keys.ShouldBe(["mediaType"]);
    }

    [Fact]
    public async Task A_post_without_mediaType_is_a_feed_image()
    {
        var body = Body("IMAGE", b => b["imagePath"] = "in/feed.jpg");
        body.Remove("mediaType");
        (await ShouldBeCreatedAsync(body)).GetProperty("mediaType").GetString().ShouldBe("IMAGE");
    }
}
