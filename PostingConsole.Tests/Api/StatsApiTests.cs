using System.Net;
using System.Text.Json;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Api;

public class StatsApiTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new();
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        client = app.CreateApiClient();
        var persona = await client.CreatePersonaAsync("지수");
        await using var db = app.CreateDbContext();
        Post Make(DateTime at, MediaType type = MediaType.Image)
        {
            var content = type switch
            {
                MediaType.Reels => new PostContent(type, VideoUrl: "https://cdn.example/r.mp4"),
                MediaType.Carousel => new PostContent(type, Items: [PostItem.Image("https://cdn.example/1.jpg", null), PostItem.Image("https://cdn.example/2.jpg", null)]),
                _ => PostContent.Image("https://cdn.example/a.jpg", null),
            };
            var post = Post.Create(persona.Id, content, "통계", null, at, null, at);
            post.Claim("t", 1, at, at);
            db.Posts.Add(post);
            return post;
        }

        // Seoul is UTC+9: 14:59Z is 23:59 on the 23rd there, 15:01Z is 00:01 on the 24th.
        Make(Utc("2026-11-23T14:59:00")).MarkPublished("m1", null, Utc("2026-11-23T14:59:00"));
        Make(Utc("2026-11-23T15:01:00"), MediaType.Reels).MarkPublished("m2", null, Utc("2026-11-23T15:01:00"));
        Make(Utc("2026-11-24T03:00:00"), MediaType.Carousel).Fail(FailureReason.Transient, "HTTP 500 code 2", Utc("2026-11-24T03:00:00"));
        Make(Utc("2026-11-24T04:00:00")).Fail(FailureReason.ImageInvalid, "36001/2207005", Utc("2026-11-24T04:00:00"));
        Make(Utc("2026-11-24T05:00:00")).ScheduleRetry(FailureReason.RateLimited, "code 4", Utc("2026-11-24T06:00:00"), Utc("2026-11-24T05:00:00"));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static DateTime Utc(string value) => DateTime.SpecifyKind(DateTime.Parse(value), DateTimeKind.Utc);

    [Fact]
    public async Task Days_in_the_operators_time_zone_count_what_ended_published_or_failed_with_the_reasons()
    {
        var response = await client.GetAsync("/api/stats/daily?from=2026-11-23&to=2026-11-25");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        json.RootElement.GetProperty("timeZone").GetString().ShouldBe("Asia/Seoul");
        var days = json.RootElement.GetProperty("days").EnumerateArray().ToList();
        days.Select(d => d.GetProperty("date").GetString()).ShouldBe(["2026-11-23", "2026-11-24", "2026-11-25"]);
        days.Select(d => d.GetProperty("published").GetInt32()).ShouldBe([1, 1, 0]);
        days.Select(d => d.GetProperty("failed").GetInt32()).ShouldBe([0, 2, 0], "a post still retrying has not failed");
        days[0].GetProperty("successRate").GetDouble().ShouldBe(1.0);
        days[1].GetProperty("successRate").GetDouble().ShouldBe(0.3333);
        days[2].GetProperty("successRate").ValueKind.ShouldBe(JsonValueKind.Null, "nothing ended that day");
        var reasons = days[1].GetProperty("reasons");
        reasons.GetProperty("Transient").GetInt32().ShouldBe(1);
        reasons.GetProperty("ImageInvalid").GetInt32().ShouldBe(1);

        // Split by media type: the 24th's reel went out, one carousel and one photo failed.
        var types = days[1].GetProperty("mediaTypes");
        types.EnumerateObject().Select(t => t.Name).ShouldBe(["REELS", "CAROUSEL", "IMAGE"], ignoreOrder: true);
        types.GetProperty("REELS").GetProperty("published").GetInt32().ShouldBe(1);
        types.GetProperty("CAROUSEL").GetProperty("failed").GetInt32().ShouldBe(1);
        types.GetProperty("IMAGE").GetProperty("failed").GetInt32().ShouldBe(1);
        days[0].GetProperty("mediaTypes").GetProperty("IMAGE").GetProperty("published").GetInt32().ShouldBe(1);
    }

    [Theory]
    [InlineData("from=last-week", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("from=2026-11-25&to=2026-11-23", "from")]
    [InlineData("from=2024-01-01&to=2026-01-01", "to")]
    public async Task Bad_days_are_400_naming_the_parameter(string query, string field)
    {
        var response = await client.GetAsync($"/api/stats/daily?{query}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadProblemErrorsAsync()).Keys.ShouldContain(field);
    }

    [Fact]
    public async Task Without_dates_it_is_the_last_seven_days()
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/stats/daily"));
        json.RootElement.GetProperty("days").GetArrayLength().ShouldBe(7);
    }
}
