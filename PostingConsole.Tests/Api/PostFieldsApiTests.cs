using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Api;

/// <summary>
/// The post fields in the HTTP API (api.md "Post fields"): stored and returned, validated at intake by Meta's rules with each
/// refusal naming its field (nothing written), editable while the post is, and the AI label defaulting to the persona's setting.
/// </summary>
public class PostFieldsApiTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new();
    private HttpClient client = null!;
    private int personaId;

    public async Task InitializeAsync()
    {
        client = app.CreateApiClient();
        personaId = (await client.CreatePersonaAsync()).Id;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Dictionary<string, object?> Body(string mediaType = "IMAGE", Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["personaId"] = personaId,
            ["mediaType"] = mediaType,
            ["caption"] = "오늘의 사진",
            ["scheduledAt"] = "2026-12-24T12:00:00+09:00",
        };
        switch (mediaType)
        {
            case "REELS":
                body["videoUrl"] = "https://cdn.example.com/r.mp4";
                break;
            case "CAROUSEL":
                body["items"] = new object[] { new { imageUrl = "https://cdn.example.com/1.jpg" }, new { videoUrl = "https://cdn.example.com/2.mp4" } };
                break;
            default:
                body["imageUrl"] = "https://cdn.example.com/a.jpg";
                break;
        }

        change?.Invoke(body);
        return body;
    }

    private async Task<JsonElement> CreateAsync(Dictionary<string, object?> body)
    {
        var response = await client.PostAsJsonAsync("/api/posts", body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static TheoryData<string, string, string> Refusals() => new()
    {
        { "REELS", """{"altText":"설명"}""", "altText" },
        { "STORIES", """{"collaborators":["jun_ho"]}""", "collaborators" },
        { "IMAGE", """{"collaborators":["a","b","c","d"]}""", "collaborators" },
        { "IMAGE", """{"collaborators":["bad name!"]}""", "collaborators[0]" },
        { "CAROUSEL", """{"altText":"설명"}""", "altText" },
        { "CAROUSEL", """{"userTags":[{"username":"a","x":0.1,"y":0.1}]}""", "userTags" },
        { "IMAGE", """{"userTags":[{"username":"a","x":1.2,"y":0.5}]}""", "userTags[0].x" },
        { "IMAGE", """{"userTags":[{"username":"a"}]}""", "userTags[0]" },
        { "REELS", """{"userTags":[{"username":"a","x":0.5}]}""", "userTags[0]" },
        { "IMAGE", """{"userTags":[{"username":"a","x":0.1,"y":0.1},{"username":"@A","x":0.2,"y":0.2}]}""", "userTags[1].username" },
        { "IMAGE", """{"locationId":"seoul"}""", "locationId" },
        { "STORIES", """{"locationId":"106377336067638"}""", "locationId" },
        { "IMAGE", """{"thumbOffsetMs":100}""", "thumbOffsetMs" },
        { "REELS", """{"thumbOffsetMs":-1}""", "thumbOffsetMs" },
        { "IMAGE", """{"audioName":"노래"}""", "audioName" },
        { "REELS", """{"trialReel":"LATER"}""", "trialReel" },
        { "STORIES", """{"firstComment":"안녕"}""", "firstComment" },
        { "IMAGE", """{"firstComment":"   "}""", "firstComment" },
        { "CAROUSEL", """{"items":[{"imageUrl":"https://cdn.example.com/1.jpg"},{"videoUrl":"https://cdn.example.com/2.mp4","altText":"영상"}]}""", "items[1].altText" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_field_Meta_would_refuse_is_refused_at_intake_naming_it(string mediaType, string fields, string named)
    {
        var body = Body(mediaType, b =>
        {
            foreach (var field in JsonDocument.Parse(fields).RootElement.EnumerateObject()) b[field.Name] = field.Value.Clone();
            if (mediaType == "STORIES") b.Remove("caption");
        });

        var response = await client.PostAsJsonAsync("/api/posts", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        var errors = await response.ReadProblemErrorsAsync();
        errors.Keys.ShouldContain(named, $"errors named: {string.Join(", ", errors.Keys)}");
        await using var db = app.CreateDbContext();
        (await db.Posts.CountAsync()).ShouldBe(0, "nothing is written for a refused request");
    }

    [Fact]
    public async Task Every_field_is_stored_and_returned_with_usernames_without_their_at()
    {
        var post = await CreateAsync(Body("CAROUSEL", b =>
        {
            b["items"] = new object[]
            {
                new { imageUrl = "https://cdn.example.com/1.jpg", altText = "첫 장", userTags = new[] { new { username = "@mina.k", x = 0.5, y = 0.4 } } },
                new { videoUrl = "https://cdn.example.com/2.mp4" },
            };
            b["collaborators"] = new[] { "@jun_ho", "sora.lee" };
            b["locationId"] = "106377336067638";
            b["firstComment"] = "#데일리 링크는 프로필에";
            b["aiGenerated"] = false;
        }));

        post.GetProperty("aiGenerated").GetBoolean().ShouldBeFalse();
        post.GetProperty("collaborators").EnumerateArray().Select(c => c.GetString()).ShouldBe(["jun_ho", "sora.lee"], "the leading @ is dropped (Meta refuses it)");
        post.GetProperty("locationId").GetString().ShouldBe("106377336067638");
        var first = post.GetProperty("items")[0];
        first.GetProperty("altText").GetString().ShouldBe("첫 장");
        first.GetProperty("userTags")[0].GetProperty("username").GetString().ShouldBe("mina.k");
        post.GetProperty("items")[1].TryGetProperty("altText", out var none).ShouldBeTrue();
        none.ValueKind.ShouldBe(JsonValueKind.Null);
        var comment = post.GetProperty("firstComment");
        (comment.GetProperty("text").GetString(), comment.GetProperty("status").GetString()).ShouldBe(("#데일리 링크는 프로필에", "Pending"));

        var read = await client.GetFromJsonAsync<JsonElement>($"/api/posts/{post.GetProperty("id").GetInt32()}");
        read.GetProperty("collaborators").GetArrayLength().ShouldBe(2);
        read.GetProperty("firstComment").GetProperty("status").GetString().ShouldBe("Pending");
    }

    [Fact]
    public async Task The_AI_label_defaults_to_the_persona_s_setting_which_the_persona_API_changes()
    {
        (await client.GetFromJsonAsync<JsonElement>($"/api/personas/{personaId}")).GetProperty("aiLabelDefault").GetBoolean().ShouldBeTrue("on for a new persona");
        (await CreateAsync(Body())).GetProperty("aiGenerated").GetBoolean().ShouldBeTrue();

        var patched = await client.PatchAsJsonAsync($"/api/personas/{personaId}", new { aiLabelDefault = false });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("aiLabelDefault").GetBoolean().ShouldBeFalse();
        (await CreateAsync(Body())).GetProperty("aiGenerated").GetBoolean().ShouldBeFalse();
        (await CreateAsync(Body(change: b => b["aiGenerated"] = true))).GetProperty("aiGenerated").GetBoolean().ShouldBeTrue("a post's own choice wins");

        var empty = await client.PatchAsJsonAsync($"/api/personas/{personaId}", new { });
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await empty.ReadProblemErrorsAsync()).Keys.ShouldContain("aiLabelDefault");
        var created = await client.PostAsJsonAsync("/api/personas", new { name = "라벨없음", igUserId = "17841400000012345", accessToken = "EAA-x-token", aiLabelDefault = false });
        (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("aiLabelDefault").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task An_edit_changes_fields_while_the_post_can_be_edited_and_is_checked_against_its_media_type()
    {
        var id = (await CreateAsync(Body("REELS"))).GetProperty("id").GetInt32();

        var edited = await client.PatchAsJsonAsync($"/api/posts/{id}", new { audioName = "새벽 산책", trialReel = "MANUAL", collaborators = new[] { "@jun_ho" }, firstComment = "안녕", aiGenerated = false });
        edited.StatusCode.ShouldBe(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        var post = await edited.Content.ReadFromJsonAsync<JsonElement>();
        (post.GetProperty("audioName").GetString(), post.GetProperty("trialReel").GetString()).ShouldBe(("새벽 산책", "MANUAL"));
        post.GetProperty("collaborators")[0].GetString().ShouldBe("jun_ho");
        post.GetProperty("aiGenerated").GetBoolean().ShouldBeFalse();
        post.GetProperty("firstComment").GetProperty("text").GetString().ShouldBe("안녕");

        var refused = await client.PatchAsJsonAsync($"/api/posts/{id}", new { altText = "릴스에는 안 됨" });
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.ReadProblemErrorsAsync()).Keys.ShouldContain("altText");

        var cleared = await client.PatchAsJsonAsync($"/api/posts/{id}", new { collaborators = Array.Empty<string>(), trialReel = "", firstComment = "" });
        var after = await cleared.Content.ReadFromJsonAsync<JsonElement>();
        after.TryGetProperty("collaborators", out _).ShouldBeFalse("an empty list clears it");
        after.TryGetProperty("trialReel", out _).ShouldBeFalse();
        after.TryGetProperty("firstComment", out _).ShouldBeFalse();
        after.GetProperty("audioName").GetString().ShouldBe("새벽 산책", "a field not given stays");

        await using (var db = app.CreateDbContext())
        {
            await db.Posts.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PostStatus.Published));
        }

        (await client.PatchAsJsonAsync($"/api/posts/{id}", new { audioName = "늦음" })).StatusCode.ShouldBe(HttpStatusCode.Conflict, "a published post is not edited");

        // A held post whose comment may already be on Instagram (sent, answer unknown): its text is never changed.
        var held = (await CreateAsync(Body(change: b => b["firstComment"] = "보냄"))).GetProperty("id").GetInt32();
        await using (var db = app.CreateDbContext())
        {
            await db.Posts.Where(p => p.Id == held).ExecuteUpdateAsync(s => s.SetProperty(p => p.FirstCommentState, FirstCommentState.Sending).SetProperty(p => p.Status, PostStatus.Held));
        }

        var changed = await client.PatchAsJsonAsync($"/api/posts/{held}", new { firstComment = "다른 댓글" });
        changed.StatusCode.ShouldBe(HttpStatusCode.Conflict, await changed.Content.ReadAsStringAsync());
        (await client.PatchAsJsonAsync($"/api/posts/{held}", new { firstComment = "보냄", aiGenerated = false })).StatusCode.ShouldBe(HttpStatusCode.OK, "the same text is no change");
        var retry = await client.PostAsync($"/api/posts/{id}/first-comment/retry", null);
        retry.StatusCode.ShouldBe(HttpStatusCode.Conflict, "only a failed first comment is retried");
    }
}
