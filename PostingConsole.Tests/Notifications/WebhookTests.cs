using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Notifications;

/// <summary>A receiver of the console's outbound events (010-analytics, alerting) on a loopback port.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private int failNext;

    private WebhookReceiver(WebApplication app) => this.app = app;

    /// <summary>Bodies answered 200, in arrival order.</summary>
    public ConcurrentQueue<JsonElement> Received { get; } = new();

    /// <summary>The same deliveries as they arrived: the body's text and the request's headers (to verify a signature).</summary>
    public ConcurrentQueue<(string Body, Dictionary<string, string> Headers)> Raw { get; } = new();

    public string Url => app.Urls.First() + "/hook";

    /// <summary>The receiver's root: any path under it is received too (e.g. a Telegram Bot API stand-in).</summary>
    public string BaseUrl => app.Urls.First() + "/";

    /// <summary>The path of each request received, in order.</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    /// <summary>Answer 500 to the next <paramref name="count"/> deliveries (the receiver is down).</summary>
    public void FailNext(int count) => failNext = count;

    private int arrived;
    private volatile TaskCompletionSource? held;

    /// <summary>Deliveries that reached the receiver, answered or not yet.</summary>
    public int Arrived => Volatile.Read(ref arrived);

    /// <summary>The receiver is slow: deliveries arriving from now on wait for their answer until the result is disposed.</summary>
    public IDisposable HoldAnswers()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        held = gate;
        return new Release(() =>
        {
            held = null;
            gate.TrySetResult();
        });
    }

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(null!);
        var app = builder.Build();
        receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref receiver.arrived);
            if (receiver.held is { } gate) await gate.Task;
            if (Interlocked.Decrement(ref receiver.failNext) >= 0) return Results.StatusCode(500);
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync();
            using var body = JsonDocument.Parse(text);
            receiver.Received.Enqueue(body.RootElement.Clone());
            receiver.Paths.Enqueue(request.Path.Value ?? "");
            receiver.Raw.Enqueue((text, request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
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

public class WebhookTests : IAsyncLifetime
{
    private WebhookReceiver receiver = null!;
    private EngineHarness app = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        app = EngineHarness.Start(new Dictionary<string, string?> { ["Notifications:Webhooks:0"] = receiver.Url });
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await receiver.DisposeAsync();
    }

    private WebhookSender Sender => app.GetService<WebhookSender>();

    private List<JsonElement> OfType(string type) => receiver.Received.Where(e => e.GetProperty("type").GetString() == type).ToList();

    [Fact]
    public async Task A_published_post_is_reported_once_with_its_media_id_and_permalink()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona);
        await app.RunOnceAsync();

        // The permalink is read before the post turns Published, so the event goes at once and carries it.
        (await Sender.DeliverDueAsync(CancellationToken.None)).ShouldBe(1);
        (await Sender.DeliverDueAsync(CancellationToken.None)).ShouldBe(0, "delivered once");

        var done = await app.ReadPostAsync(post.Id);
        var published = OfType(WebhookTypes.PostPublished).ShouldHaveSingleItem();
        published.GetProperty("postId").GetInt32().ShouldBe(post.Id);
        published.GetProperty("personaId").GetInt32().ShouldBe(persona.Id);
        published.GetProperty("mediaType").GetString().ShouldBe("IMAGE");
        published.GetProperty("mediaId").GetString().ShouldBe(done.MediaId);
        published.GetProperty("permalink").GetString().ShouldBe(done.Permalink);
        published.GetProperty("id").GetString().ShouldNotBeNullOrEmpty();
        published.GetProperty("occurredAt").GetDateTime().ShouldBe(done.PublishedAt!.Value, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_published_reel_is_reported_with_its_media_type()
    {
        var persona = await app.AddPersonaAsync();
        await app.AddPostAsync(persona, new PostContent(MediaType.Reels, VideoPath: "demo/" + PostingConsole.Sandbox.DemoSeeder.DemoVideoName));
        await app.RunOnceAsync();

        await Sender.DeliverDueAsync(CancellationToken.None);

        OfType(WebhookTypes.PostPublished).ShouldHaveSingleItem().GetProperty("mediaType").GetString().ShouldBe("REELS");
    }

    [Fact]
    public async Task A_dead_token_is_one_needs_reauth_event_for_the_incident_not_one_per_post()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.TokenExpired);
        for (var i = 0; i < 3; i++) await app.AddPostAsync(persona);
        await app.RunOnceAsync();
        await app.RunOnceAsync();

        await Sender.DeliverDueAsync(CancellationToken.None);

        OfType(WebhookTypes.PersonaNeedsReauth).ShouldHaveSingleItem().GetProperty("personaId").GetInt32().ShouldBe(persona.Id);
        OfType(WebhookTypes.PostFailed).ShouldBeEmpty("held posts have not failed");
    }

    [Fact]
    public async Task A_corrupt_image_is_a_failed_post_and_an_image_regeneration_event()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.CorruptImage);
        var post = await app.AddPostAsync(persona);
        await app.RunOnceAsync();

        await Sender.DeliverDueAsync(CancellationToken.None);

        var failed = OfType(WebhookTypes.PostFailed).ShouldHaveSingleItem();
        failed.GetProperty("postId").GetInt32().ShouldBe(post.Id);
        failed.GetProperty("failureReason").GetString().ShouldBe("ImageInvalid");
        failed.GetProperty("mediaType").GetString().ShouldBe("IMAGE");
        failed.GetProperty("message").GetString()!.ShouldContain("36001");
        OfType(WebhookTypes.ImageNeedsRegeneration).ShouldHaveSingleItem().GetProperty("postId").GetInt32().ShouldBe(post.Id);
    }

    [Fact]
    public async Task While_the_receiver_is_down_the_event_waits_in_the_outbox_and_is_delivered_once_it_is_back()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.Restricted);
        await app.AddPostAsync(persona);
        await app.RunOnceAsync();
        receiver.FailNext(2);

        (await Sender.DeliverDueAsync(CancellationToken.None)).ShouldBe(0);
        app.Time.Advance(TimeSpan.FromSeconds(29));
        (await Sender.DeliverDueAsync(CancellationToken.None)).ShouldBe(0, "the next try is 30 s later");
        app.Time.Advance(TimeSpan.FromSeconds(1));
        (await Sender.DeliverDueAsync(CancellationToken.None)).ShouldBe(0, "still down");
        app.Time.Advance(TimeSpan.FromSeconds(60));
        (await Sender.DeliverDueAsync(CancellationToken.None)).ShouldBe(1, "back, after 30 s then 60 s");

        OfType(WebhookTypes.PersonaSuspended).ShouldHaveSingleItem();
        await using var db = app.CreateDbContext();
        var message = await db.WebhookMessages.SingleAsync(m => m.Type == WebhookTypes.PersonaSuspended);
        message.Attempts.ShouldBe(2);
        message.DeliveredAt.ShouldNotBeNull();
    }
}
