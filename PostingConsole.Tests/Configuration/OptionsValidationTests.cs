using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Configuration;

public class OptionsValidationTests
{
    [Theory]
    [InlineData("Posting:MaxConcurrency", "0")]
    [InlineData("Posting:PerPersonaHourlyLimit", "-1")]
    [InlineData("Posting:TransientRetryDelay", "00:00:00")]
    [InlineData("Posting:MaxTransientRetries", "99")]
    [InlineData("Graph:ApiVersion", "25")]
    [InlineData("Graph:BaseUrl", "ftp://graph.example.com/")]
    [InlineData("Media:PublicBaseUrl", "not-a-url")]
    [InlineData("Api:Keys:1", "short")]
    [InlineData("Database:Provider", "Oracle")]
    [InlineData("Console:TimeZone", "Mars/Olympus")]
    [InlineData("Posting:MaxConcurrency", "ten")]
    [InlineData("Graph:Mode", "Production")]
    [InlineData("Notifications:Webhooks:0", "mailto:ops@example.com")]
    public async Task A_bad_value_stops_the_app_with_a_message_naming_the_key(string key, string value)
    {
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { [key] = value });

        var ex = Should.Throw<Exception>(() => app.CreateClient());

        var messages = string.Join(" | ", Flatten(ex).Select(e => e.Message));
        messages.ShouldContain(key, Case.Insensitive);
    }

    [Fact]
    public async Task Defaults_start_in_sandbox_mode()
    {
        await using var app = new ConsoleAppFactory();
        var graph = app.GetService<Microsoft.Extensions.Options.IOptions<PostingConsole.Configuration.GraphOptions>>().Value;
        graph.Mode.ShouldBe(PostingConsole.Configuration.GraphMode.Sandbox);
        graph.ApiVersion.ShouldMatch(@"^v\d+\.\d+$");
        var posting = app.GetService<Microsoft.Extensions.Options.IOptions<PostingConsole.Configuration.PostingOptions>>().Value;
        posting.MaxConcurrency.ShouldBe(10);
        posting.TransientRetryDelay.ShouldBe(TimeSpan.FromMinutes(5));
        posting.RateLimitRetryDelay.ShouldBe(TimeSpan.FromHours(1));
    }

    private static IEnumerable<Exception> Flatten(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException agg)
            {
                foreach (var inner in agg.InnerExceptions.SelectMany(Flatten)) yield return inner;
            }
        }
    }
}
