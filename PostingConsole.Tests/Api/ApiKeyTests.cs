using System.Net;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Api;

public class ApiKeyTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData("GET", "/api/posts")]
    [InlineData("GET", "/api/personas")]
    [InlineData("POST", "/api/posts")]
    [InlineData("POST", "/api/personas/1/pause")]
    public async Task A_missing_key_is_401_problem_details(string method, string path)
    {
        var response = await app.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_wrong_key_is_401()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ConsoleAppFactory.ApiKey + "x");
        (await client.GetAsync("/api/posts")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_right_key_is_accepted() =>
        (await app.CreateApiClient().GetAsync("/api/posts")).StatusCode.ShouldBe(HttpStatusCode.OK);
}
