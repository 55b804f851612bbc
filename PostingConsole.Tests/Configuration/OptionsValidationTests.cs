using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
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
    [InlineData("Retention:DetailsFor", "00:30:00")]
    [InlineData("Insights:OnlineFollowersTimeZone", "Mars/Olympus")]
    [InlineData("Slots:ExploreShare", "0.9")]
    [InlineData("Slots:DailyQuota", "0")]
    [InlineData("Sandbox:InsightsSpeedup", "0.5")]
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

        // The app starts (its options validated at start) and answers; one second less is refused (the theory above).
        using var client = app.CreateApiClient();
        (await client.GetAsync("/api/personas")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
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
        private readonly ManualResetEventSlim validated = new();

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // The entry point's own check of the options, seen from here: it signals once it has run (and thrown on a bad value).
            builder.ConfigureServices(services =>
            {
                var original = services.Last(s => s.ServiceType == typeof(Microsoft.Extensions.Options.IStartupValidator));
                services.Remove(original);
                services.AddTransient<Microsoft.Extensions.Options.IStartupValidator>(provider => new SignallingValidator(
                    (Microsoft.Extensions.Options.IStartupValidator)Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance(
                        provider, original.ImplementationType ?? throw new InvalidOperationException("IStartupValidator has no implementation type")),
                    validated));
            });
        }

        protected override Microsoft.Extensions.Hosting.IHost CreateHost(Microsoft.Extensions.Hosting.IHostBuilder builder)
        {
            var host = builder.Build();
            // Start only after the entry point has checked the options (and given up on a bad one): the order that had lost the key.
            validated.Wait(TimeSpan.FromSeconds(60)).ShouldBeTrue("the entry point checks the options right after Build");
            host.Start();
            return host;
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            validated.Dispose();
        }
    }

    private sealed class SignallingValidator(Microsoft.Extensions.Options.IStartupValidator inner, ManualResetEventSlim done) : Microsoft.Extensions.Options.IStartupValidator
    {
        public void Validate()
        {
            try
            {
                inner.Validate();
            }
            finally
            {
                done.Set();
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
