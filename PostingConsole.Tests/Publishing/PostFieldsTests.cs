using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Publishing;

/// <summary>
/// The optional fields (docs/instagram.md#optional-fields) end to end against the Sandbox over loopback: each reaches the container
/// Meta is asked for, in Meta's names and JSON shapes, on the container that takes it; and the Sandbox refuses what Meta refuses.
/// </summary>
public class PostFieldsTests : IAsyncLifetime
{
    private const string Image = "demo/demo-01.jpg";
    private const string Video = "demo/" + DemoSeeder.DemoVideoName;
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private SandboxMedia MediaOf(Post post) => app.Sandbox.Media(post.MediaId!).ShouldNotBeNull();

    [Fact]
    public void The_form_carries_each_field_in_Meta_s_names_and_JSON_shapes()
    {
        var form = new ContainerFields(true, "두 사람이 카페에 앉아 있다", [new UserTag("mina.k", 0.25, 0.5), new UserTag("story_only")], ["jun_ho", "sora.lee"],
            "106377336067638", 1500, "새벽 산책", TrialReel.SsPerformance);
        var sent = new Dictionary<string, string>();
        form.AddTo(sent);

        sent.ShouldBe(new Dictionary<string, string>
        {
            ["is_ai_generated"] = "true",
            ["alt_text"] = "두 사람이 카페에 앉아 있다",
            ["user_tags"] = """[{"username":"mina.k","x":0.25,"y":0.5},{"username":"story_only"}]""",
            ["collaborators"] = """["jun_ho","sora.lee"]""",
            ["location_id"] = "106377336067638",
            ["thumb_offset"] = "1500",
            ["audio_name"] = "새벽 산책",
            ["trial_params"] = """{"graduation_strategy":"SS_PERFORMANCE"}""",
        }, ignoreOrder: true);

        var none = new Dictionary<string, string>();
        new ContainerFields().AddTo(none);
        none.ShouldBeEmpty("no label and no field: nothing extra is sent");
    }

    [Fact]
    public async Task A_photo_s_label_alt_text_tags_collaborators_and_location_reach_its_container_and_its_media()
    {
        var persona = await app.AddPersonaAsync();
        var fields = new PostFields("해변의 노을", [new UserTag("mina.k", 0.3, 0.7)], ["jun_ho"], "106377336067638");
        var post = await app.AddPostAsync(persona, PostContent.Image(null, Image), fields, aiGenerated: true);

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published, done.LastError);
        var media = MediaOf(done);
        // What Meta recorded.
        media.Fields.AiGenerated.ShouldBeTrue();
        media.Fields.AltText.ShouldBe("해변의 노을");
        media.Fields.UserTags.ShouldBe([new UserTag("mina.k", 0.3, 0.7)]);
        media.Fields.Collaborators.ShouldBe(["jun_ho"]);
        (media.Fields.LocationId, media.Fields.LocationName).ShouldBe(("106377336067638", "서울 성수동"));
    }

    [Fact]
    public async Task A_carousel_takes_label_collaborators_and_location_on_its_parent_and_alt_text_and_tags_on_its_image_children()
    {
        var persona = await app.AddPersonaAsync();
        var content = new PostContent(MediaType.Carousel, Items: [PostItem.Image(null, Image), PostItem.Video(null, Video), PostItem.Image(null, "demo/demo-02.jpg")]);
        var fields = new PostFields(Collaborators: ["jun_ho", "sora.lee", "mina.k"], LocationId: "110585132296461",
            Items: [new ItemFields("첫 장", [new UserTag("mina.k", 0.5, 0.5)]), new ItemFields(), new ItemFields("셋째 장")]);
        var post = await app.AddPostAsync(persona, content, fields, aiGenerated: true);

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published, done.LastError);
        var media = MediaOf(done);
        media.Fields.AiGenerated.ShouldBeTrue("the label goes on the carousel's parent");
        media.Fields.Collaborators.ShouldBe(["jun_ho", "sora.lee", "mina.k"]);
        media.Fields.LocationName.ShouldBe("부산 해운대");
        media.ItemFields.Select(f => f.AltText).ShouldBe(["첫 장", null, "셋째 장"]);
        media.ItemFields[0].UserTags.ShouldBe([new UserTag("mina.k", 0.5, 0.5)]);
        media.ItemFields.ShouldAllBe(f => !f.AiGenerated && f.Collaborators == null && f.LocationId == null, "children take none of the parent's fields (Meta refuses them)");
    }

    [Fact]
    public async Task A_reel_takes_its_thumbnail_offset_audio_name_trial_and_tags_without_a_place_and_a_story_its_tags()
    {
        var persona = await app.AddPersonaAsync();
        var reel = await app.AddPostAsync(persona, new PostContent(MediaType.Reels, VideoPath: Video),
            new PostFields(UserTags: [new UserTag("mina.k")], Collaborators: ["jun_ho"], ThumbOffsetMs: 2000, AudioName: "오리지널 오디오 1", TrialReel: TrialReel.Manual),
            aiGenerated: true);
        var story = await app.AddPostAsync(persona, new PostContent(MediaType.Stories, ImagePath: Image), new PostFields(UserTags: [new UserTag("sora.lee")]),
            aiGenerated: true, at: app.Now.AddMinutes(1));

        await app.RunOnceAsync();
        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.RunOnceAsync();

        var reelMedia = MediaOf(await app.ReadPostAsync(reel.Id));
        reelMedia.Fields.AiGenerated.ShouldBeTrue();
        reelMedia.Fields.AltText.ShouldBeNull();
        reelMedia.Fields.UserTags.ShouldBe([new UserTag("mina.k")]);
        reelMedia.Fields.Collaborators.ShouldBe(["jun_ho"]);
        (reelMedia.Fields.ThumbOffsetMs, reelMedia.Fields.AudioName, reelMedia.Fields.TrialStrategy).ShouldBe((2000, "오리지널 오디오 1", "MANUAL"));
        var storyMedia = MediaOf(await app.ReadPostAsync(story.Id));
        storyMedia.Fields.AiGenerated.ShouldBeTrue();
        storyMedia.Fields.UserTags.ShouldBe([new UserTag("sora.lee")]);
    }

    [Fact]
    public async Task A_field_Meta_refuses_fails_the_post_as_an_input_error_naming_it()
    {
        // A numeric Page id passes intake; Meta (the Sandbox) knows no location for it.
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, PostContent.Image(null, Image), new PostFields(LocationId: "999999999"));

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Failed);
        done.FailureReason.ShouldBe(FailureReason.InvalidInput);
        done.LastError.ShouldNotBeNull().ShouldContain("location_id");
        app.Sandbox.AllMedia.ShouldBeEmpty();
    }

    public static TheoryData<string, Dictionary<string, string>, int, int?, string> Refusals() => new()
    {
        { "alt text on a reel", new() { ["media_type"] = "REELS", ["video_url"] = "{video}", ["alt_text"] = "설명" }, 100, null, "alt_text" },
        { "alt text on a story", new() { ["media_type"] = "STORIES", ["image_url"] = "{image}", ["alt_text"] = "설명" }, 100, null, "alt_text" },
        { "four collaborators", new() { ["image_url"] = "{image}", ["collaborators"] = """["a","b","c","d"]""" }, 100, null, "collaborators" },
        { "a collaborator with @", new() { ["image_url"] = "{image}", ["collaborators"] = """["@jun_ho"]""" }, 110, 2207018, "@jun_ho" },
        { "collaborators on a story", new() { ["media_type"] = "STORIES", ["image_url"] = "{image}", ["collaborators"] = """["a"]""" }, 100, null, "collaborators" },
        { "collaborators on a carousel child", new() { ["is_carousel_item"] = "true", ["image_url"] = "{image}", ["collaborators"] = """["a"]""" }, 100, null, "carousel child" },
        { "the label on a carousel child", new() { ["is_carousel_item"] = "true", ["image_url"] = "{image}", ["is_ai_generated"] = "true" }, 100, null, "is_ai_generated" },
        { "an unknown location", new() { ["image_url"] = "{image}", ["location_id"] = "123" }, 100, null, "location_id" },
        { "a tag out of range", new() { ["image_url"] = "{image}", ["user_tags"] = """[{"username":"a","x":1.5,"y":0.2}]""" }, 100, null, "user_tags[0]['x'] must be a number less than or equal to 1" },
        { "a tag without its place on a photo", new() { ["image_url"] = "{image}", ["user_tags"] = """[{"username":"a"}]""" }, 100, null, "user_tags[0]['x'] is required" },
        { "a thumbnail past the video", new() { ["media_type"] = "REELS", ["video_url"] = "{video}", ["thumb_offset"] = "999999" }, 1, 2207057, "Thumbnail offset" },
        { "trial params on a photo", new() { ["image_url"] = "{image}", ["trial_params"] = """{"graduation_strategy":"MANUAL"}""" }, 100, null, "trial_params" },
        { "an unknown trial strategy", new() { ["media_type"] = "REELS", ["video_url"] = "{video}", ["trial_params"] = """{"graduation_strategy":"LATER"}""" }, 100, null, "graduation_strategy" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task The_Sandbox_refuses_what_Meta_refuses(string what, Dictionary<string, string> form, int code, int? subcode, string named)
    {
        var persona = await app.AddPersonaAsync();
        var urls = app.GetService<PostingConsole.Security.MediaUrls>();
        var values = form.ToDictionary(f => f.Key, f => f.Value
            .Replace("{image}", new Uri(app.BaseUrl, urls.PathAndQuery(Image)).AbsoluteUri)
            .Replace("{video}", new Uri(app.BaseUrl, urls.PathAndQuery(Video)).AbsoluteUri));
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sandbox/graph/v25.0/{persona.IgUserId}/media") { Content = new FormUrlEncodedContent(values) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", app.GetService<PostingConsole.Data.TokenProtector>().Unprotect(persona.ProtectedToken));

        using var response = await http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, what);
        var error = GraphClient.ParseError(400, await response.Content.ReadAsStringAsync());
        error.Code.ShouldBe(code, what);
        error.Subcode.ShouldBe(subcode, what);
        $"{error} {error.UserMessage}".ShouldContain(named, Case.Sensitive, what);
        app.Sandbox.ContainersOf(persona.IgUserId).ShouldBeEmpty("nothing is made when Meta refuses");
    }
}
