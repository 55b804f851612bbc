using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
    [InlineData("Sandbox:AnswerTime", "00:05:00")]
    public async Task A_bad_value_stops_the_app_with_a_message_naming_the_key(string key, string value)
    {
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { [key] = value });

        var ex = Should.Throw<Exception>(() => app.CreateClient());

        var messages = string.Join(" | ", Flatten(ex).Select(e => e.Message));
        messages.ShouldContain(key, Case.Insensitive);
    }

    [Theory]
    [InlineData("00:00:30", "00:00:40")] // 3 × 30 s + back-off + probe = 99 s > 40 s
    [InlineData("00:00:26", "00:01:27")] // exactly the longest step (87 s): not longer, refused
    public async Task A_lease_not_longer_than_the_longest_graph_step_stops_the_app_naming_both_keys(string callTimeout, string lease)
    {
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { ["Graph:CallTimeout"] = callTimeout, ["Posting:LeaseDuration"] = lease });

        var ex = Should.Throw<Exception>(() => app.CreateClient());

        var messages = string.Join(" | ", Flatten(ex).Select(e => e.Message));
        messages.ShouldContain("Posting:LeaseDuration");
        messages.ShouldContain("Graph:CallTimeout");
    }

    [Fact]
    public async Task The_shortest_lease_allowed_is_one_step_longer_than_the_longest_graph_step()
    {
        // 26 s × 3 tries + 2 × 2 s back-off + 5 s image probe = 87 s; 88 s starts.
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { ["Graph:CallTimeout"] = "00:00:26", ["Posting:LeaseDuration"] = "00:01:28" });
        app.GetService<Microsoft.Extensions.Options.IOptions<PostingConsole.Configuration.PostingOptions>>().Value.LeaseDuration.ShouldBe(TimeSpan.FromSeconds(88));
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

/// <summary>
/// The start-up race behind a flaky run: the test's host start used to meet a service provider that the app's own
/// failed <c>RunAsync</c> had already disposed ("Cannot access a disposed object"), hiding the key's name. This factory
/// starts the host only after the app's entry point is done with it, every time.
/// </summary>
public class StartupFailureOrderTests
{
    private sealed class LateStartFactory(IDictionary<string, string?> settings) : ConsoleAppFactory(settings)
    {
        private readonly CapturingLoggerProvider logs = new();

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        }

        protected override Microsoft.Extensions.Hosting.IHost CreateHost(Microsoft.Extensions.Hosting.IHostBuilder builder)
        {
            var host = builder.Build();
            // Start only after the entry point has given up: it checks the options right after Build (milliseconds) and
            // throws, naming the key; it logs nothing and disposes nothing on the way, so 2 s is well after it.
            SpinWait.SpinUntil(() => logs.Entries.Any(e => e.Contains("cannot start")) || Disposed(host), TimeSpan.FromSeconds(2));
            host.Start();
            return host;
        }

        private static bool Disposed(Microsoft.Extensions.Hosting.IHost host)
        {
            try
            {
                host.Services.GetService(typeof(IServiceProvider));
                return false;
            }
            catch (ObjectDisposedException)
            {
                return true;
            }
        }
    }

    [Theory]
    [InlineData("Media:PublicBaseUrl", "not-a-url")]
    [InlineData("Notifications:Webhooks:0", "mailto:ops@example.com")]
    public async Task A_bad_value_is_reported_by_its_key_whichever_thread_comes_first(string key, string value)
    {
        await using var app = new LateStartFactory(new Dictionary<string, string?> { [key] = value });

        var ex = Should.Throw<Exception>(() => app.CreateClient());

        ex.ShouldNotBeOfType<ObjectDisposedException>();
        ex.ToString().ShouldContain(key);
    }
}
