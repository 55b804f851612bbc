using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Api;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Api;

public class PostApiTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new();
    private HttpClient client = null!;
    private PersonaResponse persona = null!;

    public async Task InitializeAsync()
    {
        client = app.CreateApiClient();
        persona = await client.CreatePersonaAsync("지수");
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<HttpResponseMessage> CreatePost(string? externalId = null, string scheduledAt = "2030-01-01T12:00:00+09:00", int? personaId = null) =>
        await client.PostAsJsonAsync("/api/posts", new
        {
            personaId = personaId ?? persona.Id,
            imageUrl = "https://cdn.example.com/a.jpg",
            caption = "오늘의 사진",
            hashtags = new[] { "여행", "#여행", "카페" },
            scheduledAt,
            externalId,
        });

    [Fact]
    public async Task A_created_post_reads_back_with_its_final_caption_and_utc_time()
    {
        var created = await (await CreatePost()).ReadAsync<PostResponse>();
        var read = await (await client.GetAsync($"/api/posts/{created.Id}")).ReadAsync<PostResponse>();

        read.Status.ShouldBe(PostStatus.Scheduled);
        read.FinalCaption.ShouldBe("오늘의 사진\n\n#여행 #카페");
        read.ScheduledAt.ShouldBe(new DateTime(2030, 1, 1, 3, 0, 0, DateTimeKind.Utc));
        read.Attempts.ShouldNotBeNull().ShouldBeEmpty();
    }

    [Fact]
    public async Task The_same_externalId_twice_gives_one_post()
    {
        var first = await CreatePost("approval-42");
        var second = await CreatePost("approval-42");

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await second.ReadAsync<PostResponse>()).Id.ShouldBe((await first.ReadAsync<PostResponse>()).Id);
        await using var db = app.CreateDbContext();
        (await db.Posts.CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task The_same_externalId_sent_at_once_many_times_gives_one_post()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => CreatePost("approval-race")));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created || r.StatusCode == HttpStatusCode.OK);
        var ids = await Task.WhenAll(responses.Select(r => r.ReadAsync<PostResponse>()));
        ids.Select(p => p.Id).Distinct().Count().ShouldBe(1);
        await using var db = app.CreateDbContext();
        (await db.Posts.CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task The_list_filters_by_status_persona_and_date_and_pages_in_time_order()
    {
        var other = await client.CreatePersonaAsync("민준");
        await CreatePost(scheduledAt: "2030-01-03T00:00:00Z");
        await CreatePost(scheduledAt: "2030-01-01T00:00:00Z");
        await CreatePost(scheduledAt: "2030-01-02T00:00:00Z");
        await CreatePost(scheduledAt: "2030-01-02T06:00:00Z", personaId: other.Id);

        var page1 = await (await client.GetAsync($"/api/posts?personaId={persona.Id}&page=1&pageSize=2")).ReadAsync<PostListResponse>();
        page1.Total.ShouldBe(3);
        page1.Items.Select(p => p.ScheduledAt.Day).ShouldBe([1, 2]);
        var page2 = await (await client.GetAsync($"/api/posts?personaId={persona.Id}&page=2&pageSize=2")).ReadAsync<PostListResponse>();
        page2.Items.Select(p => p.ScheduledAt.Day).ShouldBe([3]);

        var window = await (await client.GetAsync("/api/posts?from=2030-01-02T00:00:00Z&to=2030-01-03T00:00:00Z")).ReadAsync<PostListResponse>();
        window.Total.ShouldBe(2);

        var scheduled = await (await client.GetAsync("/api/posts?status=Scheduled")).ReadAsync<PostListResponse>();
        scheduled.Total.ShouldBe(4);
        var published = await (await client.GetAsync("/api/posts?status=Published")).ReadAsync<PostListResponse>();
        published.Total.ShouldBe(0);
    }

    [Theory]
    [InlineData("/api/posts?from=yesterday", "from")]
    [InlineData("/api/posts?pageSize=100000", "pageSize")]
    [InlineData("/api/posts?page=0", "page")]
    public async Task Bad_list_parameters_name_the_parameter(string url, string field)
    {
        var response = await client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadProblemErrorsAsync()).Keys.ShouldContain(field);
    }

    [Fact]
    public async Task Editing_changes_schedule_and_caption_and_a_cancelled_post_is_409()
    {
        var post = await (await CreatePost()).ReadAsync<PostResponse>();
        var edit = await client.PatchAsJsonAsync($"/api/posts/{post.Id}", new { scheduledAt = "2030-02-01T09:00:00+09:00", caption = "수정됨", hashtags = new[] { "봄" } });
        edit.StatusCode.ShouldBe(HttpStatusCode.OK);
        var read = await (await client.GetAsync($"/api/posts/{post.Id}")).ReadAsync<PostResponse>();
        read.ScheduledAt.ShouldBe(new DateTime(2030, 2, 1, 0, 0, 0, DateTimeKind.Utc));
        read.FinalCaption.ShouldBe("수정됨\n\n#봄");

        (await client.PostAsync($"/api/posts/{post.Id}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PatchAsJsonAsync($"/api/posts/{post.Id}", new { caption = "x" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await client.PostAsync($"/api/posts/{post.Id}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_bad_edit_is_refused_naming_the_field_and_changes_nothing()
    {
        var post = await (await CreatePost()).ReadAsync<PostResponse>();
        var response = await client.PatchAsJsonAsync($"/api/posts/{post.Id}", new { scheduledAt = "next week", caption = "바뀌면 안 됨" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadProblemErrorsAsync()).Keys.ShouldContain("scheduledAt");
        (await (await client.GetAsync($"/api/posts/{post.Id}")).ReadAsync<PostResponse>()).Caption.ShouldBe("오늘의 사진");
    }

    [Fact]
    public async Task An_edit_is_validated_on_the_merged_post_and_changes_nothing_when_refused()
    {
        var tags = Enumerable.Range(1, 25).Select(i => $"태그{i}").ToArray();
        var created = await (await client.PostAsJsonAsync("/api/posts", new
        {
            personaId = persona.Id, imageUrl = "https://cdn.example.com/a.jpg", caption = "짧은 캡션", hashtags = tags, scheduledAt = "2030-01-01T12:00:00+09:00",
        })).ReadAsync<PostResponse>();

        // 2,190 characters fit alone, but not with the 25 stored hashtags appended.
        var longCaption = await client.PatchAsJsonAsync($"/api/posts/{created.Id}", new { caption = new string('가', 2190) });
        longCaption.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await longCaption.ReadProblemErrorsAsync()).Keys.ShouldBe(["caption"]);

        // 6 tags in the caption fit alone, but not with the 25 stored ones (31).
        var manyTags = await client.PatchAsJsonAsync($"/api/posts/{created.Id}", new { caption = "#a1 #a2 #a3 #a4 #a5 #a6" });
        manyTags.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await manyTags.ReadProblemErrorsAsync()).Keys.ShouldBe(["hashtags"]);

        (await (await client.GetAsync($"/api/posts/{created.Id}")).ReadAsync<PostResponse>()).Caption.ShouldBe("짧은 캡션");
    }

    [Fact]
    public async Task Publish_now_makes_the_post_due_at_once()
    {
        var post = await (await CreatePost()).ReadAsync<PostResponse>();
        var before = DateTime.UtcNow;
        (await client.PostAsync($"/api/posts/{post.Id}/publish-now", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var read = await (await client.GetAsync($"/api/posts/{post.Id}")).ReadAsync<PostResponse>();
        read.NextAttemptAt!.Value.ShouldBeGreaterThanOrEqualTo(before.AddSeconds(-1));
        read.NextAttemptAt!.Value.ShouldBeLessThan(read.ScheduledAt);
    }

    [Fact]
    public async Task Retry_is_refused_for_a_scheduled_post_and_a_bad_after_names_after()
    {
        var post = await (await CreatePost()).ReadAsync<PostResponse>();
        (await client.PostAsJsonAsync($"/api/posts/{post.Id}/retry", new { after = "now" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var bad = await client.PostAsJsonAsync($"/api/posts/{post.Id}/retry", new { after = "2h" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.ReadProblemErrorsAsync()).Keys.ShouldContain("after");
    }

    [Fact]
    public async Task Unknown_ids_are_404_problem_details()
    {
        (await client.GetAsync("/api/posts/424242")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PostAsync("/api/posts/424242/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/api/personas/424242")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
