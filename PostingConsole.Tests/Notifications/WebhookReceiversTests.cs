using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Notifications;

/// <summary>
/// Webhooks per receiver, signed (issue 30, item 6): with one receiver down for minutes, the other gets each event once, at once,
/// with a Standard Webhooks signature that verifies; the one that was down gets each event once when it is back; a receiver gets
/// only the event types it asked for; a plain <c>Notifications:Webhooks</c> URL keeps working, unsigned.
/// </summary>
public class WebhookReceiversTests : IAsyncLifetime
{
    private const string AnalyticsSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string AlertsSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private WebhookReceiver analytics = null!;
    private WebhookReceiver alerting = null!;
    private WebhookReceiver plain = null!;
    private EngineHarness app = null!;

    public async Task InitializeAsync()
    {
        analytics = await WebhookReceiver.StartAsync();
        alerting = await WebhookReceiver.StartAsync();
        plain = await WebhookReceiver.StartAsync();
        app = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Notifications:Receivers:0:Url"] = analytics.Url,
            ["Notifications:Receivers:0:Secret"] = AnalyticsSecret,
            ["Notifications:Receivers:1:Url"] = alerting.Url,
            ["Notifications:Receivers:1:Secret"] = AlertsSecret,
            ["Notifications:Receivers:1:Events:0"] = WebhookTypes.PersonaSuspended,
            ["Notifications:Receivers:1:Events:1"] = WebhookTypes.PostPublished,
            ["Notifications:Webhooks:0"] = plain.Url,
        });
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await analytics.DisposeAsync();
        await alerting.DisposeAsync();
        await plain.DisposeAsync();
    }

    private WebhookSender Sender => app.GetService<WebhookSender>();

    [Fact]
    public async Task With_one_receiver_down_for_minutes_the_others_get_each_event_once_signed_and_it_gets_them_once_when_back()
    {
        alerting.FailNext(1000); // down
        var persona = await app.AddPersonaAsync();
        for (var i = 0; i < 3; i++) await app.AddPostAsync(persona);
        var suspended = await app.AddPersonaAsync("정지", SandboxFault.Restricted);
        await app.AddPostAsync(suspended);
        for (var i = 0; i < 4; i++) await app.RunOnceAsync();

        // Ten minutes of passes while the alerting receiver is down.
        for (var minute = 0; minute < 10; minute++)
        {
            await Sender.DeliverDueAsync(CancellationToken.None);
            app.Time.Advance(TimeSpan.FromMinutes(1));
        }

        await using (var db = app.CreateDbContext())
        {
            var events = await db.WebhookMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
            events.Count(m => m.Type == WebhookTypes.PostPublished).ShouldBe(3);
            analytics.Received.Select(e => e.GetProperty("id").GetString()).ShouldBe(events.Select(m => m.EventId), "each event once, none again while another receiver is down");
            plain.Received.Count.ShouldBe(events.Count, "a plain Notifications:Webhooks URL still gets every event");
            events.ShouldAllBe(m => m.DeliveredAt == null, "the alerting receiver still waits for its events");
        }

        // Every delivery to a receiver with a secret verifies with the Standard Webhooks library, and names its event.
        foreach (var (body, headers) in analytics.Raw)
        {
            new StandardWebhooks.StandardWebhook(AnalyticsSecret).Verify(body, new Microsoft.AspNetCore.Http.HeaderDictionary(
                headers.ToDictionary(h => h.Key, h => new Microsoft.Extensions.Primitives.StringValues(h.Value))));
            headers["webhook-id"].ShouldBe(System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString());
        }

        // The alerts' page shows each receiver's state: the one that is down waits with its last error, the others are up to date.
        var states = await app.GetService<PostingConsole.Operations.AlertQueries>().ReceiverStatesAsync(CancellationToken.None);
        states.Count.ShouldBe(3);
        var down = states.Single(r => r.Shown == PostingConsole.Operations.AlertQueries.Shown(alerting.Url));
        down.Pending.ShouldBe(4, "the three publishes and the suspension it asked for");
        down.HasSecret.ShouldBeTrue();
        down.LastError.ShouldNotBeNull().ShouldContain("HTTP 500");
        states.Where(r => r != down).ShouldAllBe(r => r.Pending == 0 && r.GivenUp == 0 && r.LastError == null);

        Should.Throw<Exception>(() => new StandardWebhooks.StandardWebhook(AlertsSecret).Verify(analytics.Raw.First().Body, new Microsoft.AspNetCore.Http.HeaderDictionary(
            analytics.Raw.First().Headers.ToDictionary(h => h.Key, h => new Microsoft.Extensions.Primitives.StringValues(h.Value)))), "another receiver's secret does not verify it");
        plain.Raw.ShouldAllBe(r => !r.Headers.ContainsKey("webhook-signature"), "a plain URL is not signed");

        // Back: it gets each event it asked for once, and only those.
        alerting.FailNext(0);
        for (var pass = 0; pass < 3; pass++)
        {
            app.Time.Advance(TimeSpan.FromHours(1));
            await Sender.DeliverDueAsync(CancellationToken.None);
        }

        alerting.Received.Select(e => e.GetProperty("type").GetString()).Order().ShouldBe(
            [WebhookTypes.PersonaSuspended, WebhookTypes.PostPublished, WebhookTypes.PostPublished, WebhookTypes.PostPublished]);
        alerting.Received.Select(e => e.GetProperty("id").GetString()).Distinct().Count().ShouldBe(4, "no duplicate");
        await using (var db = app.CreateDbContext())
        {
            (await db.WebhookMessages.AllAsync(m => m.DeliveredAt != null)).ShouldBeTrue();
        }

        analytics.Received.Count.ShouldBe(analytics.Received.Select(e => e.GetProperty("id").GetString()).Distinct().Count(), "still once each");
        (await app.GetService<PostingConsole.Operations.AlertQueries>().ReceiverStatesAsync(CancellationToken.None))
            .ShouldAllBe(r => r.Pending == 0 && r.LastError == null, "every receiver up to date again");
    }
}
