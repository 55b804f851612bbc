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
/// Delivers the outbox (<see cref="WebhookMessage"/>): each due message is POSTed to every configured URL; when all
/// answer 2xx it is delivered, otherwise it is tried again later (30 s, doubling, at most an hour apart) and given
/// up after <see cref="MaxAttempts"/>. The outbox is the retry: no in-process retry is stacked on top.
/// </summary>
/// <remarks>With several console processes on one PostgreSQL database, one of them delivers at a time (<see cref="DatabaseLocks"/>).</remarks>
public sealed class WebhookSender(
    IDbContextFactory<PostingDbContext> contextFactory, IHttpClientFactory clients, IOptionsMonitor<NotificationOptions> options,
    DatabaseLocks locks, TimeProvider time, ILogger<WebhookSender> logger)
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
        var urls = options.CurrentValue.Webhooks;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var due = await db.WebhookMessages
            .Where(m => m.DeliveredAt == null && m.GaveUpAt == null && m.NextAttemptAt <= now)
            .OrderBy(m => m.Id).Take(50).ToListAsync(cancellationToken);

        var delivered = 0;
        foreach (var message in due)
        {
            var error = await SendToAllAsync(urls, message, cancellationToken);
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

    /// <summary>Null when every URL accepted the message, else what went wrong (never the body).</summary>
    private async Task<string?> SendToAllAsync(IReadOnlyList<string> urls, WebhookMessage message, CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(Client);
        var errors = new List<string>();
        foreach (var url in urls)
        {
            try
            {
                using var content = new StringContent(message.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
                request.Headers.Add("X-PostingConsole-Event", message.Type);
                using var response = await http.SendAsync(request, cancellationToken);
                if (!response.IsSuccessStatusCode) errors.Add($"{url}: HTTP {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                errors.Add($"{url}: {ex.GetType().Name} {ex.Message}");
            }
        }

        return errors.Count == 0 ? null : string.Join("; ", errors);
    }
}

/// <summary>Runs <see cref="WebhookSender"/> every few seconds, and at once when a unit of work queued a message.</summary>
public sealed class WebhookLoop(WebhookSender sender, EventHub hub, TimeProvider time, IOptions<PostingOptions> options, ILogger<WebhookLoop> logger)
    : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);
    private readonly Operations.WakeUpSignal signal = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.AutoDispatch) return; // only the process that runs the queue delivers the outbound events
        using var _ = hub.Subscribe(e =>
        {
            if (e is WebhookQueued) signal.Wake();
            return Task.CompletedTask;
        });
        while (!stoppingToken.IsCancellationRequested)
        {
            var woken = signal.WaitAsync(stoppingToken);
            try
            {
                await sender.DeliverDueAsync(stoppingToken);
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
