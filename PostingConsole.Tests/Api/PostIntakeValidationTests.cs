using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Api;

/// <summary>Every bad input gets 400 problem+json naming the field, and nothing is written.</summary>
public class PostIntakeValidationTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new();
    private HttpClient client = null!;
    private int personaId;

    public async Task InitializeAsync()
    {
        client = app.CreateApiClient();
        personaId = (await client.CreatePersonaAsync()).Id;
        Directory.CreateDirectory(Path.Combine(app.MediaRoot, "ok"));
        await File.WriteAllBytesAsync(Path.Combine(app.MediaRoot, "ok", "a.jpg"), TestMedia.Jpeg(1080, 1350));
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private object ValidBody(Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["personaId"] = personaId,
            ["imageUrl"] = "https://cdn.example.com/a.jpg",
            ["caption"] = "오늘의 사진",
            ["hashtags"] = new[] { "여행" },
            ["scheduledAt"] = "2026-11-24T12:00:00+09:00",
        };
        change?.Invoke(body);
        return body;
    }

    private async Task ShouldBeRefusedNaming(string field, HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = await response.ReadProblemErrorsAsync();
        errors.Keys.ShouldContain(k => k == field || k.StartsWith(field + "["), $"errors named: {string.Join(", ", errors.Keys)}");
        await using var db = app.CreateDbContext();
        (await db.Posts.CountAsync()).ShouldBe(0, "nothing may be written for a refused request");
    }

    private Task<HttpResponseMessage> Post(object body) => client.PostAsJsonAsync("/api/posts", body);

    [Fact]
    public async Task A_valid_post_is_accepted()
    {
        var response = await Post(ValidBody());
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.Location!.ToString().ShouldStartWith("/api/posts/");
    }

    [Fact]
    public async Task Final_caption_over_2200_characters_names_caption() =>
        // 2,195 characters of caption fit; with "\n\n#여행1234" (9 more) the final caption does not.
        await ShouldBeRefusedNaming("caption", await Post(ValidBody(b =>
        {
            b["caption"] = new string('가', 2195);
            b["hashtags"] = new[] { "여행1234" };
        })));

    [Fact]
    public async Task More_than_30_hashtags_names_hashtags() =>
        await ShouldBeRefusedNaming("hashtags", await Post(ValidBody(b =>
        {
            b["caption"] = "#하나 #둘";
            b["hashtags"] = Enumerable.Range(1, 29).Select(i => $"tag{i}").ToArray();
        })));

    [Fact]
    public async Task More_than_20_mentions_names_caption() =>
        await ShouldBeRefusedNaming("caption", await Post(ValidBody(b =>
            b["caption"] = string.Join(' ', Enumerable.Range(1, 21).Select(i => $"@user{i}")))));

    [Fact]
    public async Task A_hashtag_with_a_space_names_hashtags() =>
        await ShouldBeRefusedNaming("hashtags", await Post(ValidBody(b => b["hashtags"] = new[] { "ok", "two words" })));

    [Theory]
    [InlineData("ftp://cdn.example.com/a.jpg")]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/a.jpg")]
    [InlineData("not a url")]
    public async Task An_imageUrl_that_is_not_http_or_https_names_imageUrl(string url) =>
        await ShouldBeRefusedNaming("imageUrl", await Post(ValidBody(b => b["imageUrl"] = url)));

    [Fact]
    public async Task Neither_imageUrl_nor_imagePath_names_imageUrl() =>
        await ShouldBeRefusedNaming("imageUrl", await Post(ValidBody(b => b.Remove("imageUrl"))));

    [Theory]
    [InlineData("../secret.jpg")]
    [InlineData("ok/../../secret.jpg")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/Windows/win.ini")]
    [InlineData("ok/missing.jpg")]
    public async Task An_imagePath_outside_the_media_root_or_missing_names_imagePath(string path) =>
        await ShouldBeRefusedNaming("imagePath", await Post(ValidBody(b =>
        {
            b.Remove("imageUrl");
            b["imagePath"] = path;
        })));

    [Fact]
    public async Task An_imagePath_through_a_link_that_leads_out_names_imagePath()
    {
        using var outside = new TempFolder("pc-outside");
        await File.WriteAllTextAsync(Path.Combine(outside.Path, "secret.jpg"), "secret");
        File.CreateSymbolicLink(Path.Combine(app.MediaRoot, "link.jpg"), Path.Combine(outside.Path, "secret.jpg"));
        Directory.CreateSymbolicLink(Path.Combine(app.MediaRoot, "linkdir"), outside.Path);

        await ShouldBeRefusedNaming("imagePath", await Post(ValidBody(b => { b.Remove("imageUrl"); b["imagePath"] = "link.jpg"; })));
        await ShouldBeRefusedNaming("imagePath", await Post(ValidBody(b => { b.Remove("imageUrl"); b["imagePath"] = "linkdir/secret.jpg"; })));
    }

    [Fact]
    public async Task An_imagePath_inside_the_media_root_is_accepted()
    {
        var response = await Post(ValidBody(b => { b.Remove("imageUrl"); b["imagePath"] = "ok/a.jpg"; }));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("2026-11-24T12:00:00")]
    [InlineData("2026-11-24 12:00:00+09:00")]
    [InlineData("tomorrow")]
    [InlineData("2026-13-45T12:00:00Z")]
    [InlineData("")]
    public async Task A_scheduledAt_without_offset_or_not_ISO_names_scheduledAt(string value) =>
        await ShouldBeRefusedNaming("scheduledAt", await Post(ValidBody(b => b["scheduledAt"] = value)));

    [Fact]
    public async Task A_persona_that_does_not_exist_names_personaId() =>
        await ShouldBeRefusedNaming("personaId", await Post(ValidBody(b => b["personaId"] = 999_999)));

    [Fact]
    public async Task A_missing_personaId_names_personaId() =>
        await ShouldBeRefusedNaming("personaId", await Post(ValidBody(b => b.Remove("personaId"))));

    [Fact]
    public async Task A_value_of_the_wrong_type_names_the_field() =>
        await ShouldBeRefusedNaming("personaId", await Post(ValidBody(b => b["personaId"] = "abc")));

    [Fact]
    public async Task An_unknown_field_is_named() =>
        await ShouldBeRefusedNaming("mediaKind", await Post(ValidBody(b => b["mediaKind"] = "REELS")));

    [Fact]
    public async Task A_body_that_is_not_json_is_400_problem_details()
    {
        var response = await client.PostAsync("/api/posts", new StringContent("{not json", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_time_in_the_past_means_due_now_and_is_accepted()
    {
        var response = await Post(ValidBody(b => b["scheduledAt"] = "2020-01-01T00:00:00Z"));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
    }
}
