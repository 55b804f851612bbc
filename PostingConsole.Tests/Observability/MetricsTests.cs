using System.Net;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Publishing;
using PostingConsole.Readiness;
using PostingConsole.Tests.Notifications;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Observability;

/// <summary>
/// Issue 30, item 1: <c>/metrics</c> (OpenTelemetry's Prometheus exporter) after a scripted run against the Sandbox, read by a
/// Prometheus text-format parser and compared with what the run did and what the database holds: publishes and failures by
/// reason and media type, Graph calls by endpoint and answer, calls in flight, circuit state per scope, the lateness of each
/// start, posts by status and reason, posts due in the next hour, readiness problems by kind, webhook deliveries, and
/// ASP.NET Core's and the runtime's own metrics. Off by default; behind a key when one is set.
/// </summary>
[Collection(ProcessWideTelemetry.Collection)]
public sealed class MetricsTests : IAsyncLifetime
{
    private const string Key = "metrics-key-0123456789";
    private WebhookReceiver receiver = null!;
    private EngineHarness app = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        app = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Observability:Metrics"] = "true",
            ["Notifications:Webhooks:0"] = receiver.Url,
        }).WithInstantContainers();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await receiver.DisposeAsync();
    }

    private async Task<PrometheusText> ScrapeAsync(EngineHarness host, string? key = null)
    {
        using var client = new HttpClient { BaseAddress = host.BaseUrl };
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        using var response = await client.GetAsync("/metrics");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_scripted_run_shows_in_each_named_metric_with_the_values_the_run_and_the_database_hold()
    {
        var fine = await app.AddPersonaAsync("지수");
        await app.AddPostAsync(fine, at: app.Now.AddMinutes(-3));
        await app.AddPostAsync(fine, at: app.Now.AddMinutes(-1));
        var expired = await app.AddPersonaAsync("만료", SandboxFault.TokenExpired);
        var dead = await app.AddPostAsync(expired, at: app.Now.AddMinutes(-2));
        var throttled = await app.AddPersonaAsync("제한", SandboxFault.Throttled);
        var waiting = await app.AddPostAsync(throttled, at: app.Now.AddMinutes(-1));
        await app.AddPostAsync(fine, at: app.Now.AddMinutes(30));
        var broken = await app.AddPersonaAsync("깨진");
        await app.AddPostAsync(broken, at: app.Now.AddMinutes(40), imageUrl: new Uri(app.BaseUrl, "/sandbox/cdn-down/missing.jpg").AbsoluteUri, imagePath: null);

        // The dispatcher comes 90 s after the posts became due: each start is 90 s late.
        app.Time.Advance(TimeSpan.FromSeconds(90));
        for (var i = 0; i < 3; i++) await app.RunOnceAsync();
        await app.GetService<ReadinessPass>().RunAsync(CancellationToken.None);
        await app.GetService<WebhookSender>().DeliverDueAsync(CancellationToken.None);

        var metrics = await ScrapeAsync(app);
        await using var db = app.CreateDbContext();
        var posts = await db.Posts.AsNoTracking().ToListAsync();
        var attempts = await db.PostAttempts.AsNoTracking().ToListAsync();

        // Publishes and failures, by media type and reason: as the posts ended.
        metrics.Value("posting_publishes_total", ("media_type", "Image")).ShouldBe(posts.Count(p => p.Status == PostStatus.Published));
        metrics.Value("posting_publishes_total", ("media_type", "Image")).ShouldBe(2);
        var deadNow = posts.Single(p => p.Id == dead.Id);
        deadNow.Status.ShouldBeOneOf(PostStatus.Failed, PostStatus.Held);
        metrics.Value("posting_failures_total", ("status", deadNow.Status.ToString()), ("reason", deadNow.FailureReason.ToString()!), ("media_type", "Image"))
            .ShouldBe(1);
        var waitingNow = posts.Single(p => p.Id == waiting.Id);
        waitingNow.Status.ShouldBe(PostStatus.Retrying);
        metrics.Sum("posting_failures_total", ("status", "Retrying"), ("reason", waitingNow.FailureReason.ToString()!)).ShouldBeGreaterThanOrEqualTo(1);

        // Graph calls by endpoint and answer: the publishes that went out, the token Meta refused (code 190), none in flight.
        metrics.Value("posting_graph_calls_total", ("endpoint", "publish"), ("outcome", "ok")).ShouldBe(2);
        metrics.Sum("posting_graph_calls_total", ("outcome", "error"), ("error_code", "190")).ShouldBeGreaterThanOrEqualTo(1);
        metrics.Sum("posting_graph_calls_total", ("outcome", "error"), ("error_code", "4")).ShouldBeGreaterThanOrEqualTo(1, "the throttled account's answer");
        metrics.Sum("posting_graph_calls_total").ShouldBeGreaterThanOrEqualTo(attempts.Count(a => a.Step is "container" or "publish"));
        metrics.Value("posting_graph_calls_active").ShouldBe(0);

        // Circuits per scope: the throttled account's is open, tagged with its persona; the app's is closed.
        metrics.Value("posting_circuit_open", ("scope", "app")).ShouldBe(0);
        metrics.Value("posting_circuit_open", ("scope", "account"), ("persona_id", throttled.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ShouldBe(1);

        // The lateness of each start: one observation per run, in seconds.
        metrics.Types["posting_start_lateness_seconds"].ShouldBe("histogram");
        metrics.Value("posting_start_lateness_seconds_count").ShouldBe(4, "four posts were due and each started once");
        metrics.Value("posting_start_lateness_seconds_sum").ShouldBe(4 * 90, 1, "each started 90 s after it became due");
        metrics.Value("posting_start_lateness_seconds_bucket", ("le", "60")).ShouldBe(0);
        metrics.Value("posting_start_lateness_seconds_bucket", ("le", "120")).ShouldBe(4);

        // Posts by status (and reason where one is kept), due in the next hour, readiness problems by kind: as the database holds them.
        foreach (var group in posts.GroupBy(p => p.Status))
        {
            metrics.Sum("posting_posts", ("status", group.Key.ToString())).ShouldBe(group.Count(), $"posts {group.Key}");
        }

        metrics.Value("posting_posts", ("status", deadNow.Status.ToString()), ("reason", deadNow.FailureReason.ToString()!)).ShouldBe(1);
        metrics.Value("posting_queue_due_next_hour").ShouldBe(posts.Count(p => p.Status is PostStatus.Scheduled or PostStatus.Retrying && p.NextAttemptAt < app.Now.AddHours(1)));
        metrics.Value("posting_queue_due_next_hour").ShouldBeGreaterThanOrEqualTo(2);
        var verdicts = await db.Posts.AsNoTracking().Include(p => p.Readiness).ToListAsync();
        var unreachable = verdicts.Select(p => p.CurrentReadiness).Where(r => r is { State: not ReadinessState.Ready })
            .SelectMany(r => r!.Problems).Count(p => p.Code == ReadinessCode.MediaUnreachable);
        unreachable.ShouldBeGreaterThanOrEqualTo(1, "the broken image");
        metrics.Value("posting_readiness_problems", ("kind", "MediaUnreachable")).ShouldBe(unreachable);

        // Webhook deliveries: each event the receiver got.
        metrics.Value("posting_webhook_deliveries_total", ("outcome", "delivered")).ShouldBe(receiver.Received.Count);
        receiver.Received.Count.ShouldBeGreaterThan(0);

        // ASP.NET Core's and the runtime's own.
        metrics.Named("http_server_request_duration_seconds_count").ShouldNotBeEmpty();
        metrics.Samples.ShouldContain(s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));

        // The Grafana dashboard in the repository asks only for metrics the console serves.
        var dashboard = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "grafana", "posting-console.json"));
        var asked = System.Text.RegularExpressions.Regex.Matches(dashboard, "posting_[a-z_]+").Select(m => m.Value).Distinct().ToList();
        asked.Count.ShouldBeGreaterThan(8);
        asked.ShouldAllBe(name => metrics.Types.ContainsKey(name) || metrics.Samples.Any(s => s.Name == name));
    }

    [Fact]
    public async Task Metrics_are_off_by_default_and_behind_the_key_when_one_is_set()
    {
        await using (var plain = EngineHarness.Start())
        {
            using var client = new HttpClient { BaseAddress = plain.BaseUrl };
            using var response = await client.GetAsync("/metrics");
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("posting_", customMessage: "no metrics are served (the console's not-found or sign-in page answers)");
        }

        await using var keyed = EngineHarness.Start(new Dictionary<string, string?> { ["Observability:Metrics"] = "true", ["Observability:MetricsKey"] = Key });
        using (var client = new HttpClient { BaseAddress = keyed.BaseUrl })
        {
            (await client.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            client.DefaultRequestHeaders.Add("X-Api-Key", "wrong-key-0123456789");
            (await client.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await ScrapeAsync(keyed, Key)).Types.ShouldContainKey("posting_circuit_open");
        using (var slash = new HttpClient { BaseAddress = keyed.BaseUrl })
        {
            (await slash.GetAsync("/metrics/")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "every path the endpoint answers is behind the key");
        }
    }

    [Fact]
    public void Without_a_key_only_loopback_callers_that_no_proxy_forwarded_are_answered()
    {
        static Microsoft.AspNetCore.Http.DefaultHttpContext From(string address, string? forwardedFor = null)
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            if (forwardedFor is not null) context.Request.Headers["X-Forwarded-For"] = forwardedFor;
            return context;
        }

        PostingConsole.Extensions.TelemetryExtensions.Allowed(From("127.0.0.1"), key: null).ShouldBeNull();
        PostingConsole.Extensions.TelemetryExtensions.Allowed(From("::1"), key: null).ShouldBeNull();
        PostingConsole.Extensions.TelemetryExtensions.Allowed(From("10.0.0.7"), key: null).ShouldBe(403);
        PostingConsole.Extensions.TelemetryExtensions.Allowed(From("127.0.0.1", "203.0.113.9"), key: null).ShouldBe(403, "a reverse proxy on the machine");
        PostingConsole.Extensions.TelemetryExtensions.Allowed(From("10.0.0.7"), Key).ShouldBe(401);
    }
}
