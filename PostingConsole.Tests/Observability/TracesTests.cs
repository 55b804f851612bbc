using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using PostingConsole.Domain;
using PostingConsole.Observability;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Observability;

/// <summary>
/// Issue 30, item 2: with <c>Observability:OtlpEndpoint</c> set, each post run is one span (<c>post.run</c>) with a child span per
/// Graph call, exported over OTLP/HTTP (protobuf) to a real local receiver; off by default. The spans' shape is read from the
/// same process's activities (an <see cref="ActivityListener"/>), their export from what the receiver got.
/// </summary>
[Collection(ProcessWideTelemetry.Collection)]
public sealed class TracesTests
{
    [Fact]
    public async Task A_post_run_is_one_span_with_a_child_per_Graph_call_exported_over_OTLP()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is PostingMetrics.MeterName or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        int postId;
        string sandbox;
        var app = EngineHarness.Start(new Dictionary<string, string?> { ["Observability:OtlpEndpoint"] = collector.Url }).WithInstantContainers();
        await using (app)
        {
            sandbox = app.BaseUrl.GetLeftPart(UriPartial.Authority);
            var persona = await app.AddPersonaAsync();
            postId = (await app.AddPostAsync(persona, at: app.Now.AddMinutes(-1))).Id;
            await app.RunOnceAsync();
            (await app.ReadPostAsync(postId)).Status.ShouldBe(PostStatus.Published);
            // The exporter sends in batches (every 5 s); a flush sends what it holds now.
            app.GetService<TracerProvider>().ForceFlush(10_000).ShouldBeTrue();
        }

        // The listener sees the whole test process: this console's run is the one whose calls went to its own Sandbox.
        var run = spans.Single(s => s.OperationName == "post.run" && Equals(s.GetTagItem("post.id"), postId)
                                    && spans.Any(c => c.ParentSpanId == s.SpanId && c.GetTagItem("url.full")?.ToString()?.StartsWith(sandbox, StringComparison.Ordinal) == true));
        run.GetTagItem("post.status").ShouldBe("Published");
        var calls = spans.Where(s => s.ParentSpanId == run.SpanId && s.TraceId == run.TraceId).ToList();
        var graphPaths = calls.Select(c => c.GetTagItem("url.full")?.ToString() ?? "").ToList();
        graphPaths.ShouldContain(url => url.Contains("/media_publish", StringComparison.Ordinal), "the publish call is a child of the run");
        graphPaths.ShouldContain(url => url.Contains("/media?", StringComparison.Ordinal) || url.EndsWith("/media", StringComparison.Ordinal), "the container call");

        // Exported: the receiver got protobuf on the traces path holding the run's span name and its trace id.
        var traces = collector.Received.Where(r => r.Path == "/v1/traces").ToList();
        traces.ShouldNotBeEmpty();
        traces.ShouldAllBe(r => r.ContentType == "application/x-protobuf");
        var runTrace = Convert.FromHexString(run.TraceId.ToHexString());
        traces.ShouldContain(r => Contains(r.Body, Encoding.UTF8.GetBytes("post.run")) && Contains(r.Body, runTrace));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>An OTLP/HTTP receiver on loopback: keeps what each export POSTs.</summary>
    private sealed class OtlpReceiver(WebApplication app) : IAsyncDisposable
    {
        public ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> Received { get; } = new();

        public string Url => app.Urls.First();

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new OtlpReceiver(app);
            app.MapPost("/v1/{signal}", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                receiver.Received.Enqueue((request.Path.Value!, request.ContentType, body.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
