using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Notifications;

/// <summary>
/// Issue 30, item 4: every alert of the bell also goes to each channel that wants its kind — a Slack-compatible webhook, a
/// Telegram chat, an e-mail — once, in the channel's language, with the link to the page that fixes it; real local receivers
/// (HTTP listeners, an SMTP sink). After an outage each gets what it missed, once; what it got is never sent again.
/// </summary>
[Collection(PostingConsole.Tests.Observability.ProcessWideTelemetry.Collection)]
public sealed class AlertChannelsTests : IAsyncLifetime
{
    private const string BotToken = "123456:ABC-def_ghi";
    private WebhookReceiver slack = null!;
    private WebhookReceiver telegram = null!;
    private SmtpSink smtp = null!;
    private EngineHarness app = null!;

    public async Task InitializeAsync()
    {
        slack = await WebhookReceiver.StartAsync();
        telegram = await WebhookReceiver.StartAsync();
        smtp = new SmtpSink();
        app = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Alerts:Channels:0:Kind"] = "Slack",
            ["Alerts:Channels:0:Target"] = slack.Url,
            ["Alerts:Channels:0:Language"] = "ko",
            ["Alerts:Channels:1:Kind"] = "Telegram",
            ["Alerts:Channels:1:Target"] = $"{BotToken}:-100200300",
            ["Alerts:Channels:1:Language"] = "en",
            ["Alerts:TelegramApi"] = telegram.BaseUrl,
            ["Alerts:Channels:2:Kind"] = "Email",
            ["Alerts:Channels:2:Target"] = "ops@example.com",
            ["Alerts:Channels:2:Language"] = "en",
            ["Alerts:Channels:2:Alerts:0"] = "AuthExpired",
            ["Alerts:Smtp:Host"] = "127.0.0.1",
            ["Alerts:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Alerts:Smtp:From"] = "console@example.com",
            ["Alerts:Smtp:UseTls"] = "false",
            ["Observability:Metrics"] = "true",
        });
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await slack.DisposeAsync();
        await telegram.DisposeAsync();
        await smtp.DisposeAsync();
    }

    private AlertSender Sender => app.GetService<AlertSender>();

    private static string Text(JsonElement body) => body.GetProperty("text").GetString()!;

    private static MimeMessage Mail((IReadOnlyList<string> To, string Data) message) =>
        MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message.Data)));

    [Fact]
    public async Task Each_channel_gets_each_alert_it_wants_once_in_its_language_and_again_after_an_outage_with_no_duplicate()
    {
        var expired = await app.AddPersonaAsync("만료", SandboxFault.TokenExpired);
        await app.AddPostAsync(expired, at: app.Now.AddMinutes(-1));
        await app.RunOnceAsync();
        await Sender.DeliverDueAsync(CancellationToken.None);

        // Slack, in Korean, with the page that fixes it.
        Text(slack.Received.Single()).ShouldContain("토큰 만료");
        Text(slack.Received.Single()).ShouldContain(new Uri(app.BaseUrl, "/personas").AbsoluteUri);
        // Telegram, in English, through the bot's sendMessage to its chat.
        var message = telegram.Received.Single();
        telegram.Paths.Single().ShouldBe($"/bot{BotToken}/sendMessage");
        message.GetProperty("chat_id").GetString().ShouldBe("-100200300");
        Text(message).ShouldContain("Token expired");
        Text(message).ShouldContain("Fix it here");
        // E-mail, in English, to the address.
        var mail = smtp.Messages.Single();
        mail.To.ShouldBe(["ops@example.com"]);
        Mail(mail).Subject.ShouldBe("[PostingConsole] Token expired");
        Mail(mail).TextBody!.ShouldContain(new Uri(app.BaseUrl, "/personas").AbsoluteUri);

        // Slack and the mail server are down; two more incidents (a second dead token, a suspension the mail does not want).
        slack.FailNext(1000);
        smtp.Down = true;
        var second = await app.AddPersonaAsync("만료2", SandboxFault.TokenExpired);
        await app.AddPostAsync(second, at: app.Now.AddMinutes(-1));
        var suspended = await app.AddPersonaAsync("정지", SandboxFault.Restricted);
        await app.AddPostAsync(suspended, at: app.Now.AddMinutes(-1));
        await app.RunOnceAsync();
        await app.RunOnceAsync();
        await Sender.DeliverDueAsync(CancellationToken.None);
        telegram.Received.Count.ShouldBe(3, "Telegram is up: it is not held back by the others");
        await Sender.DeliverDueAsync(CancellationToken.None);
        app.Time.Advance(TimeSpan.FromSeconds(20));
        await Sender.DeliverDueAsync(CancellationToken.None); // not yet due again
        slack.Received.Count.ShouldBe(1);
        smtp.Messages.Count.ShouldBe(1);
        await using (var db = app.CreateDbContext())
        {
            var pending = await db.Alerts.AsNoTracking().Where(a => a.DeliveryPending).ToListAsync();
            pending.Count.ShouldBe(2);
            pending.ShouldAllBe(a => a.DeliveryError != null && a.DeliveryError.Contains("Slack"));
            pending.ShouldAllBe(a => !a.DeliveryError!.Contains(BotToken), "no token in what is stored");
        }

        // The alerts' page: Slack waits for two, the mail for one, Telegram for none; each with what went wrong.
        var states = await app.GetService<PostingConsole.Operations.AlertQueries>().ChannelStatesAsync(CancellationToken.None);
        states.Select(c => (c.Channel.Kind.ToString(), c.Pending)).ShouldBe([("Slack", 2), ("Telegram", 0), ("Email", 1)]);
        states[0].LastError.ShouldNotBeNull().ShouldContain("HTTP 500");
        states[2].LastError.ShouldNotBeNull();
        states[1].LastError.ShouldBeNull();

        // Back: each gets what it missed, once; Telegram nothing again.
        slack.FailNext(0);
        smtp.Down = false;
        for (var minute = 0; minute < 5; minute++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await Sender.DeliverDueAsync(CancellationToken.None);
        }

        app.Time.Advance(TimeSpan.FromHours(2));
        await Sender.DeliverDueAsync(CancellationToken.None);
        slack.Received.Count.ShouldBe(3);
        slack.Received.Skip(1).Select(Text).ShouldContain(t => t.Contains("계정 정지"));
        telegram.Received.Count.ShouldBe(3);
        smtp.Messages.Count.ShouldBe(2, "the mail wants only dead tokens: the second one, not the suspension");
        Mail(smtp.Messages.Last()).Subject.ShouldBe("[PostingConsole] Token expired");
        await using (var db = app.CreateDbContext())
        {
            (await db.Alerts.CountAsync(a => a.DeliveryPending)).ShouldBe(0);
            (await db.Alerts.CountAsync()).ShouldBe(3);
        }

        // The deliveries are counted in the metrics, by channel and outcome; the alerts' page shows every channel up to date.
        using var client = new HttpClient { BaseAddress = app.BaseUrl };
        var metrics = PrometheusText.Parse(await client.GetStringAsync("/metrics"));
        metrics.Value("posting_alert_deliveries_total", ("channel", "Slack"), ("outcome", "delivered")).ShouldBe(3);
        metrics.Value("posting_alert_deliveries_total", ("channel", "Telegram"), ("outcome", "delivered")).ShouldBe(3);
        metrics.Value("posting_alert_deliveries_total", ("channel", "Email"), ("outcome", "delivered")).ShouldBe(2);
        metrics.Value("posting_alert_deliveries_total", ("channel", "Slack"), ("outcome", "failed")).ShouldBe(1, "tried once in the pass it was down, then left for its retry");
        var channels = await app.GetService<PostingConsole.Operations.AlertQueries>().ChannelStatesAsync(CancellationToken.None);
        channels.ShouldAllBe(c => c.Pending == 0 && c.GivenUp == 0);
    }

    [Fact]
    public async Task The_test_button_sends_to_one_channel_and_says_what_went_wrong_without_its_token()
    {
        var channels = app.GetService<PostingConsole.Operations.AlertQueries>().Channels;
        (await Sender.SendTestAsync(channels[0].Key, CancellationToken.None)).ShouldBeNull();
        Text(slack.Received.Single()).ShouldContain("테스트");
        telegram.Received.ShouldBeEmpty();

        smtp.Down = true;
        var error = await Sender.SendTestAsync(channels[2].Key, CancellationToken.None);
        error.ShouldNotBeNull();
        error.ShouldStartWith("Email ops@example.com");
        smtp.Messages.ShouldBeEmpty();

        // Telegram refuses: what the page says names the chat, never the bot token in the request's URL.
        telegram.FailNext(1);
        var refused = await Sender.SendTestAsync(channels[1].Key, CancellationToken.None);
        refused.ShouldNotBeNull();
        refused.ShouldContain("chat -100200300");
        refused.ShouldContain("HTTP 500");
        refused.ShouldNotContain(BotToken);
        refused.ShouldNotContain("ABC-def");
    }
}
