using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Notifications;
using PostingConsole.Domain;

namespace PostingConsole.Worker;

/// <summary>
/// Delivers the outbox (<see cref="WebhookMessage"/>) to each receiver on its own (<c>Notifications:Receivers</c>, signed, and the
/// plain <c>Notifications:Webhooks</c> URLs): a due message goes to every receiver that wants its type and has not accepted it
/// yet; one that answers 2xx is recorded (<see cref="WebhookMessage.DeliveredTo"/>) and never gets it again, so a receiver that is
/// down delays and duplicates nothing for the others. What is left is tried again later (30 s, doubling, at most an hour apart)
/// and given up after <see cref="MaxAttempts"/>. A receiver with a secret gets the Standard Webhooks headers (<c>webhook-id</c>:
/// the event's id, <c>webhook-timestamp</c>, <c>webhook-signature</c>), made by the StandardWebhooks library. The outbox is the
/// retry: no in-process retry is stacked on top.
/// </summary>
/// <remarks>With several console processes on one PostgreSQL database, one of them delivers at a time (<see cref="DatabaseLocks"/>).</remarks>
public sealed class WebhookSender(
    IDbContextFactory<PostingDbContext> contextFactory, IHttpClientFactory clients, IOptionsMonitor<NotificationOptions> options,
    DatabaseLocks locks, Observability.PostingMetrics metrics, TimeProvider time, ILogger<WebhookSender> logger)
{
    public const string Client = "webhooks";
    public const int MaxAttempts = 20;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);
    private static readonly TimeSpan KeepDelivered = TimeSpan.FromDays(7);

    /// <summary>Delivered messages older than <see cref="KeepDelivered"/> are removed at most this often, not on every pass.</summary>
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromHours(1);
    private DateTime lastCleanup = DateTime.MinValue;

    /// <summary>One pass over what is due; returns how many messages were delivered (0 while another process delivers).</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        await locks.TryRunExclusiveAsync(DatabaseLocks.Key.WebhookOutbox, async ct => delivered = await DeliverAsync(ct), cancellationToken);
        return delivered;
    }

    private async Task<int> DeliverAsync(CancellationToken cancellationToken)
    {
        var receivers = options.CurrentValue.AllReceivers;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var due = await db.WebhookMessages
            .Where(m => m.DeliveredAt == null && m.GaveUpAt == null && m.NextAttemptAt <= now)
            .OrderBy(m => m.Id).Take(50).ToListAsync(cancellationToken);

        var delivered = 0;
        foreach (var message in due)
        {
            var error = await SendToEachAsync(receivers, message, cancellationToken);
            if (error is null)
            {
                message.DeliveredAt = now;
                message.LastError = null;
                delivered++;
                continue;
            }

            message.Attempts++;
            message.LastError = error.Length > 1000 ? error[..1000] : error;
            if (message.Attempts >= MaxAttempts)
            {
                message.GaveUpAt = now;
                logger.WebhookGivenUp(message.EventId, message.Type, message.Attempts, error);
            }
            else
            {
                var wait = FirstRetry * Math.Pow(2, Math.Min(message.Attempts - 1, 10));
                message.NextAttemptAt = now + (wait < LongestRetry ? wait : LongestRetry);
                logger.WebhookNotDelivered(message.EventId, message.Type, message.Attempts, error);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (now - lastCleanup >= CleanupInterval || now < lastCleanup)
        {
            await db.WebhookMessages.Where(m => m.DeliveredAt < now - KeepDelivered).ExecuteDeleteAsync(cancellationToken);
            lastCleanup = now;
        }

        return delivered;
    }

    /// <summary>
    /// Sends the message to each receiver that wants it and has not accepted it yet, recording each that does; null when none is
    /// left, else what went wrong with the others (never the body).
    /// </summary>
    private async Task<string?> SendToEachAsync(IReadOnlyList<WebhookReceiverOptions> receivers, WebhookMessage message, CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(Client);
        var errors = new List<string>();
        foreach (var receiver in receivers.Where(r => r.Wants(message.Type) && !message.DeliveredTo.Contains(r.Url)))
        {
            try
            {
                using var content = new StringContent(message.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
                using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = content };
                request.Headers.Add("X-PostingConsole-Event", message.Type);
                request.Options.Set(Observability.PostingMetrics.NoTrace, true); // a receiver's URL can hold a secret: no span records it
                if (receiver.Secret is { } secret) Sign(request, secret, message);
                using var response = await http.SendAsync(request, cancellationToken);
                metrics.WebhookDelivered(response.IsSuccessStatusCode);
                if (response.IsSuccessStatusCode) message.DeliveredTo = [.. message.DeliveredTo, receiver.Url];
                else errors.Add($"{receiver.Url}: HTTP {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                metrics.WebhookDelivered(false);
                errors.Add($"{receiver.Url}: {ex.GetType().Name} {ex.Message}");
            }
        }

        return errors.Count == 0 ? null : string.Join("; ", errors);
    }

    /// <summary>The Standard Webhooks headers: the event's id, the sending time, and the HMAC-SHA256 signature of <c>id.timestamp.body</c>.</summary>
    private void Sign(HttpRequestMessage request, string secret, WebhookMessage message)
    {
        var sent = time.GetUtcNow();
        request.Headers.Add("webhook-id", message.EventId);
        request.Headers.Add("webhook-timestamp", sent.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", new StandardWebhooks.StandardWebhook(secret).Sign(message.EventId, sent, message.Body));
    }
}

/// <summary>Runs the outboxes (<see cref="WebhookSender"/>, <see cref="AlertSender"/>) every few seconds, and at once when a unit of
/// work queued a message or raised an alert.</summary>
public sealed class WebhookLoop(WebhookSender sender, AlertSender alerts, EventHub hub, TimeProvider time, IOptions<PostingOptions> options, ILogger<WebhookLoop> logger)
    : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);
    private readonly Operations.WakeUpSignal signal = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.AutoDispatch) return; // only the process that runs the queue delivers the outbound events
        using var _ = hub.Subscribe(e =>
        {
            if (e is WebhookQueued or AlertRaised) signal.Wake();
            return Task.CompletedTask;
        });
        while (!stoppingToken.IsCancellationRequested)
        {
            var woken = signal.WaitAsync(stoppingToken);
            try
            {
                await sender.DeliverDueAsync(stoppingToken);
                await alerts.DeliverDueAsync(stoppingToken);
                await Task.WhenAny(woken, Task.Delay(Idle, time, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.WebhookPassFailed(ex);
                await Task.Delay(Idle, time, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }
}
