using System.Diagnostics;
using System.Diagnostics.Metrics;
using PostingConsole.Domain;

namespace PostingConsole.Observability;

/// <summary>
/// The console's own metrics (meter <see cref="MeterName"/>) and its trace source (<see cref="Source"/>), named after
/// OpenTelemetry's conventions (dotted, lower case, a unit each; Prometheus shows them with underscores, <c>_total</c> on
/// counters and the unit appended). Tags have bounded values: a status, a reason, a media type, a Graph endpoint (one per
/// Graph client method), Meta's code and subcode; never a post id. Recording is a few interlocked adds, cheap
/// enough to stay on whether or not anything reads them. The gauges read the database (<c>Operations/PostingGauges</c>).
/// </summary>
public sealed class PostingMetrics
{
    public const string MeterName = "PostingConsole";

    /// <summary>One span per post run (<c>post.run</c>); each Graph call is a child span (HttpClient's instrumentation).</summary>
    public static readonly ActivitySource Source = new(MeterName);

    /// <summary>Set on a request whose URL is a secret (an alert channel's, a webhook's): HttpClient's instrumentation leaves it out.</summary>
    public static readonly System.Net.Http.HttpRequestOptionsKey<bool> NoTrace = new("PostingConsole.NoTrace");

    private readonly Counter<long> publishes;
    private readonly Counter<long> failures;
    private readonly Counter<long> graphCalls;
    private readonly UpDownCounter<long> graphCallsActive;
    private readonly Histogram<double> startLateness;
    private readonly Counter<long> webhookDeliveries;
    private readonly Counter<long> alertDeliveries;

    public PostingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        publishes = meter.CreateCounter<long>("posting.publishes", "{post}", "Posts published, by media type.");
        failures = meter.CreateCounter<long>("posting.failures", "{post}", "Post runs that ended Failed, Held or Retrying, by status, reason and media type.");
        graphCalls = meter.CreateCounter<long>("posting.graph.calls", "{call}", "Graph API calls, by endpoint and answer (ok, Meta's error code and subcode, or no answer).");
        graphCallsActive = meter.CreateUpDownCounter<long>("posting.graph.calls.active", "{call}", "Graph API calls in flight.");
        startLateness = meter.CreateHistogram<double>("posting.start.lateness", "s", "How late each post run started after its due time.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600] });
        webhookDeliveries = meter.CreateCounter<long>("posting.webhook.deliveries", "{delivery}", "Outbound webhook deliveries, by outcome.");
        alertDeliveries = meter.CreateCounter<long>("posting.alert.deliveries", "{delivery}", "Alert channel deliveries, by channel kind and outcome.");
    }

    public void GraphCallStarted() => graphCallsActive.Add(1);

    /// <summary>A Graph call ended: <paramref name="endpoint"/> is the client method (e.g. <c>media_publish</c>).</summary>
    /// <param name="outcome"><c>ok</c>, <c>error</c> (Meta answered with an error) or <c>no_answer</c>.</param>
    public void GraphCallEnded(string endpoint, string outcome, int? code, int? subcode)
    {
        graphCallsActive.Add(-1);
        graphCalls.Add(1,
            new KeyValuePair<string, object?>("endpoint", endpoint),
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("error.code", code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""),
            new KeyValuePair<string, object?>("error.subcode", subcode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""));
    }

    public void RunStarted(TimeSpan late) => startLateness.Record(Math.Max(0, late.TotalSeconds));

    /// <summary>How a run ended (what it saved): a publish, a failure (Failed, Held, Retrying, with its reason), or neither.</summary>
    public void RunEnded(Post post)
    {
        var media = new KeyValuePair<string, object?>("media_type", post.MediaType.ToString());
        switch (post.Status)
        {
            case PostStatus.Published:
                publishes.Add(1, media);
                break;
            case PostStatus.Failed or PostStatus.Held or PostStatus.Retrying:
                failures.Add(1, media, new KeyValuePair<string, object?>("status", post.Status.ToString()),
                    new KeyValuePair<string, object?>("reason", post.FailureReason?.ToString() ?? ""));
                break;
        }
    }

    public void WebhookDelivered(bool delivered) =>
        webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));

    public void AlertDelivered(string channel, bool delivered) =>
        alertDeliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));
}
