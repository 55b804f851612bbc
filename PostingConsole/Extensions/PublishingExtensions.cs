using System.Net;
using Coravel;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using PostingConsole.Configuration;
using PostingConsole.Publishing;
using PostingConsole.Publishing.Graph;
using PostingConsole.Sandbox;
using PostingConsole.Worker;
using PostingConsole.Operations;

namespace PostingConsole.Extensions;

public static class PublishingExtensions
{
    public static WebApplicationBuilder AddPostingEngine(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(GraphClock.System);
        services.AddSingleton<ClaimLeases>();
        services.AddSingleton<ThrottleCircuits>();
        services.AddSingleton<GraphCallBudget>();
        services.AddSingleton<PermalinkBackfill>();
        services.AddSingleton<ConsoleAddress>();
        services.AddSingleton<GraphEndpoint>();
        services.AddSingleton<SandboxGraphState>();

        // One pipeline for every Graph call: a per-call timeout inside a short retry that only repeats GETs
        // (safe to repeat). media_publish is a POST and is never retried here: the publisher reconciles instead.
        // On the GraphClock (real time) on purpose: waits for Meta are real even when business time is a FakeTimeProvider.
        services.AddHttpClient<GraphClient>()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // Every call is recorded as a PostAttempt; the factory's per-request log lines (with headers) are not wanted.
            .RemoveAllLoggers()
            .AddHttpMessageHandler(sp => new ResilienceHandler(BuildGraphPipeline(sp.GetRequiredService<IOptions<GraphOptions>>().Value,
                sp.GetRequiredService<GraphClock>().Time)))
            // Inside the retry and its per-try timeout: each try's answer read in whole (and logged at Debug).
            .AddHttpMessageHandler(sp => new GraphCallLog(sp.GetRequiredService<ILogger<GraphCallLog>>()))
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);

        // Live: the pre-fetch connects only to public addresses (no SSRF into the console's network). Sandbox: its
        // simulated CDN is the console itself on loopback.
        services.AddHttpClient<ImageProbe>()
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = true, MaxAutomaticRedirections = 3,
                ConnectCallback = sp.GetRequiredService<IOptions<GraphOptions>>().Value.Mode == GraphMode.Live ? PublicAddressGuard.ConnectAsync : null,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(sp => SandboxCdnHandler(sp))
            .RemoveAllLoggers();
        // The readiness check fetches media as Meta's crawler does (its user agent), with the same public-address guard in Live.
        services.AddHttpClient<Readiness.MediaInspector>(c => c.DefaultRequestHeaders.UserAgent.ParseAdd(SandboxGraph.MetaFetcherAgent))
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = true, MaxAutomaticRedirections = 3, UseCookies = false,
                ConnectCallback = sp.GetRequiredService<IOptions<GraphOptions>>().Value.Mode == GraphMode.Live ? PublicAddressGuard.ConnectAsync : null,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(sp => SandboxCdnHandler(sp))
            .RemoveAllLoggers(); // its URLs may carry signed tokens
        services.AddHttpClient(SandboxGraph.FetchClient, c =>
        {
            c.Timeout = TimeSpan.FromSeconds(15);
            c.DefaultRequestHeaders.UserAgent.ParseAdd(SandboxGraph.MetaFetcherAgent);
        }).AddHttpMessageHandler(sp => SandboxCdnHandler(sp)).RemoveAllLoggers(); // its URLs carry signed media tokens

        // Outbound events: the outbox is the retry, so no resilience handler here; a short timeout per POST.
        services.AddHttpClient(Worker.WebhookSender.Client, c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<Worker.WebhookSender>();
        // The alert channels: their requests are never logged (a Telegram URL holds the bot token, a Slack URL is a secret).
        services.AddHttpClient(Worker.AlertChannels.Client, c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<Worker.AlertChannels>();
        services.AddSingleton<Worker.AlertSender>();

        // The publisher's steps, and what they share (Publishing/Pipeline).
        services.AddSingleton<Publishing.Pipeline.PublishCalls>();
        services.AddSingleton<Publishing.Pipeline.RunOutcomes>();
        services.AddSingleton<Publishing.Pipeline.ContainerWaiter>();
        services.AddSingleton<Publishing.Pipeline.PublishedMediaFinder>();
        services.AddSingleton<Publishing.Pipeline.Steps.MediaSourceUrls>();
        services.AddSingleton<Publishing.Pipeline.Steps.CarouselChildren>();
        services.AddSingleton<Publishing.Pipeline.Steps.PersonaStep>();
        services.AddSingleton<Publishing.Pipeline.Steps.ReconcileStep>();
        services.AddSingleton<Publishing.Pipeline.Steps.ReadinessStep>();
        services.AddSingleton<Publishing.Pipeline.Steps.QuotaStep>();
        services.AddSingleton<Publishing.Pipeline.Steps.ContainerStep>();
        services.AddSingleton<Publishing.Pipeline.Steps.ContainerWaitStep>();
        services.AddSingleton<Publishing.Pipeline.Steps.MediaPublishStep>();
        services.AddSingleton<Publishing.Pipeline.Steps.PermalinkStep>();
        services.AddSingleton<Publishing.Pipeline.FirstComments>();
        services.AddSingleton<Publishing.Pipeline.Steps.FirstCommentStep>();
        services.AddSingleton<Publishing.Pipeline.Steps.PublishedStep>();
        services.AddSingleton<FirstCommentPass>();
        services.AddSingleton<PostPublisher>();
        services.AddSingleton<ContainerCheck>();
        services.AddSingleton<ClaimDeferrals>();
        services.AddSingleton<Data.PostCountsCompaction>();
        services.AddSingleton<Data.RetentionSweep>();
        services.AddTransient<SweepOldDetails>();
        services.AddSingleton<Dispatcher>();
        services.AddSingleton<DispatchControl>();
        services.AddTransient<DispatchDuePosts>();
        services.AddSingleton<AccountCheck>();
        services.AddTransient<CheckAccounts>();
        services.AddSingleton<Readiness.TokenCheck>();
        services.AddSingleton<Readiness.ReadinessPass>();
        services.AddTransient<Readiness.CheckReadiness>();
        services.AddSingleton<InsightsSchedule>();
        services.AddSingleton<Insights.InsightsReader>();
        services.AddTransient<Insights.ReadInsights>();
        services.AddScheduler();

        // Both loops obey Posting:AutoDispatch themselves: the process that runs the queue also delivers the outbound events.
        services.AddHostedService<DispatchLoop>();
        services.AddHostedService<Worker.WebhookLoop>();
        return builder;
    }

    /// <summary>Sandbox mode: the simulated CDN's host leads to the console itself (<see cref="SandboxCdn"/>); Live: nothing in between.</summary>
    private static DelegatingHandler SandboxCdnHandler(IServiceProvider services) =>
        services.GetRequiredService<IOptions<GraphOptions>>().Value.Mode == GraphMode.Sandbox
            ? new SandboxCdn.Handler(services.GetRequiredService<ConsoleAddress>())
            : new PassThrough();

    private sealed class PassThrough : DelegatingHandler;

    public static WebApplication UsePostingEngine(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<GraphOptions>>().Value.Mode == GraphMode.Sandbox)
        {
            app.MapSandboxGraph();
            app.MapSandboxCdn();
        }

        if (app.Services.GetRequiredService<IOptions<PostingOptions>>().Value.AutoDispatch)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.TimeZone);
            app.Services.UseScheduler(scheduler =>
            {
                scheduler.Schedule<DispatchDuePosts>().EveryMinute().PreventOverlapping(nameof(DispatchDuePosts));
                // Every account, each morning before the day's posting (operator's time), on a worker of its own.
                scheduler.OnWorker(nameof(CheckAccounts));
                scheduler.Schedule<CheckAccounts>().DailyAt(8, 0).Zoned(zone).PreventOverlapping(nameof(CheckAccounts));
                // Old attempt logs, log lines and delivered webhooks (Retention:DetailsFor), beside the queue's own worker.
                scheduler.OnWorker(nameof(SweepOldDetails));
                scheduler.Schedule<SweepOldDetails>().Hourly().PreventOverlapping(nameof(SweepOldDetails));
                // The readiness check of the next Readiness:Horizon (docs/readiness.md), a pass a minute on a worker of its own.
                scheduler.OnWorker(nameof(Readiness.CheckReadiness));
                scheduler.Schedule<Readiness.CheckReadiness>().EveryMinute().PreventOverlapping(nameof(Readiness.CheckReadiness));
                // What published posts achieved and each persona's audience (docs/insights.md), a pass a minute on a worker of its own.
                scheduler.OnWorker(nameof(Insights.ReadInsights));
                scheduler.Schedule<Insights.ReadInsights>().EveryMinute().PreventOverlapping(nameof(Insights.ReadInsights));
            });
        }

        return app;
    }

    internal static ResiliencePipeline<HttpResponseMessage> BuildGraphPipeline(GraphOptions options, TimeProvider clock)
    {
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = GraphOptions.InCallRetries,
            Delay = TimeSpan.FromMilliseconds(300),
            MaxDelay = GraphOptions.MaxRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            // Throttling answers (403/429) are not retried: more calls lengthen Meta's block.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
                { Result: { } r } => r.StatusCode >= HttpStatusCode.InternalServerError,
                _ => false,
            }),
        };
        retry.DisableForUnsafeHttpMethods();

        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock }
            .AddRetry(retry)
            .AddTimeout(options.CallTimeout)
            .Build();
    }
}
