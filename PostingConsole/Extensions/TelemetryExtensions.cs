using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PostingConsole.Configuration;
using PostingConsole.Observability;
using PostingConsole.Operations;

namespace PostingConsole.Extensions;

/// <summary>
/// OpenTelemetry for the console (docs/operations.md#metrics-and-traces): the console's meter and trace source, ASP.NET Core's,
/// HttpClient's and the runtime's metrics; the Prometheus scrape endpoint at <c>/metrics</c> when <c>Observability:Metrics</c>
/// (behind <c>Observability:MetricsKey</c>, or loopback callers only); OTLP export of traces and metrics when
/// <c>Observability:OtlpEndpoint</c> is set. With both off, nothing is collected or exported (the meters cost an
/// interlocked add per recording, with no listener not even that).
/// </summary>
public static class TelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddPostingTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PostingMetrics>();
        builder.Services.AddSingleton<PostingGauges>();
        var options = builder.Configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>() ?? new ObservabilityOptions();
        if (!options.Metrics && options.OtlpEndpoint is null) return builder;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("PostingConsole", serviceVersion: ConsoleHost.Version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PostingMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation();
                // No cached answer: every scrape reads the counters as they are (Prometheus scrapes every 15 s, not in storms).
                if (options.Metrics) metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (options.OtlpEndpoint is { } endpoint) metrics.AddOtlpExporter(otlp => Otlp(otlp, endpoint, "v1/metrics"));
            });
        if (options.OtlpEndpoint is { } traces)
        {
            // HttpClient's spans record each request's URL path: the alert channels' and the webhooks' requests are left out, their
            // paths are secrets (a Telegram bot token, a Slack webhook); they send under SuppressInstrumentationScope as well.
            telemetry.WithTracing(tracing => tracing.AddSource(PostingMetrics.MeterName)
                .AddHttpClientInstrumentation(http => http.FilterHttpRequestMessage = request => !request.Options.TryGetValue(PostingMetrics.NoTrace, out _))
                .AddOtlpExporter(otlp => Otlp(otlp, traces, "v1/traces")));
        }

        // The gauges register their callbacks when created.
        builder.Services.AddHostedService<GaugeStarter>();
        return builder;
    }

    /// <summary>OTLP over HTTP (protobuf) to the collector's signal path, e.g. <c>http://collector:4318/v1/traces</c>.</summary>
    private static void Otlp(OpenTelemetry.Exporter.OtlpExporterOptions otlp, Uri endpoint, string signal)
    {
        otlp.Protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
        otlp.Endpoint = new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/" + signal);
    }

    public static WebApplication MapMetricsEndpoint(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ObservabilityOptions>>().Value;
        if (!options.Metrics) return app;
        // Every path the endpoint answers (/metrics, /metrics/): the check runs before it.
        app.UseWhen(c => c.Request.Path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase), scrape => scrape.Use(async (context, next) =>
        {
            if (Allowed(context, options.MetricsKey) is { } refusal)
            {
                context.Response.StatusCode = refusal;
                return;
            }

            await next(context);
        }));
        app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        return app;
    }

    /// <returns>Null when the caller may read the metrics; otherwise the status to answer (401 without the key, 403 off loopback).</returns>
    /// <remarks>Without a key, a request that came through a proxy (it names the client it forwards) is refused: behind a reverse
    /// proxy on the same machine every caller would look like loopback.</remarks>
    internal static int? Allowed(HttpContext context, string? key)
    {
        if (key is not null)
        {
            var given = context.Request.Headers["X-Api-Key"].ToString();
            return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(key)) ? null : StatusCodes.Status401Unauthorized;
        }

        if (context.Request.Headers.ContainsKey("X-Forwarded-For") || context.Request.Headers.ContainsKey("Forwarded")) return StatusCodes.Status403Forbidden;
        var remote = context.Connection.RemoteIpAddress;
        return remote is null || IPAddress.IsLoopback(remote) ? null : StatusCodes.Status403Forbidden;
    }

    /// <summary>Creates the gauges at start, so their callbacks are registered before the first scrape.</summary>
    private sealed class GaugeStarter(PostingGauges gauges) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(gauges);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
