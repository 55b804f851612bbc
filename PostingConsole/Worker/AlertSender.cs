using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Observability;
using PostingConsole.Operations;
using PostingConsole.Publishing;

namespace PostingConsole.Worker;

/// <summary>
/// The alert channels' outbox (docs/operations.md#alert-channels): every alert raised is committed with
/// <see cref="Alert.DeliveryPending"/>; each pass sends it to every channel of <c>Alerts:Channels</c> that wants its kind and has
/// not accepted it (<see cref="Alert.DeliveredTo"/>), in the channel's language with the link to the page that fixes it. A
/// channel that accepted an alert never gets it again; one that is down is retried (30 s doubling to an hour, 20 tries) and
/// delays no other (at-least-once: only a crash between a send and its save can repeat one). One process delivers at a time (<see cref="DatabaseLocks"/>); run by <see cref="WebhookLoop"/>.
/// </summary>
public sealed class AlertSender(
    IDbContextFactory<PostingDbContext> contextFactory, AlertChannels channels, IOptionsMonitor<AlertOptions> options, DatabaseLocks locks,
    ConsoleAddress address, ConsoleClock clock, PostingMetrics metrics, EventHub hub, TimeProvider time, ILogger<AlertSender> logger)
{
    public const int MaxAttempts = 20;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    /// <summary>One pass over what is due; returns how many deliveries were made (0 while another process delivers).</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        await locks.TryRunExclusiveAsync(DatabaseLocks.Key.AlertOutbox, async ct => delivered = await DeliverAsync(ct), cancellationToken);
        return delivered;
    }

    /// <summary>
    /// "테스트 보내기": a test message straight to the channel <paramref name="key"/> names (<see cref="AlertChannelOptions.Key"/>: the
    /// channel the operator clicked, even if the list was reloaded meanwhile); null when it accepted it, else what went wrong. Not
    /// counted in the delivery metrics (a test is not an alert).
    /// </summary>
    public async Task<string?> SendTestAsync(string key, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.Channels.FirstOrDefault(c => c.Key == key) is not { } channel) return "the channel is no longer configured";
        try
        {
            await channels.SendAsync(channel, AlertText.Test(channel.Language, address.Public), cancellationToken);
            return null;
        }
        catch (Exception ex) when (IsDeliveryFailure(ex, cancellationToken))
        {
            return Describe(channel, ex);
        }
    }

    private async Task<int> DeliverAsync(CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue.Channels;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var due = await db.Alerts.Where(a => a.DeliveryPending && a.DeliveryNextAt <= now).OrderBy(a => a.Id).Take(50).ToListAsync(cancellationToken);
        var delivered = 0;
        // A channel that failed once in this pass is not tried again for the next alerts (a mail server that does not answer
        // costs its timeout once a pass, not once an alert); they wait for its next try.
        var down = new Dictionary<string, string>();
        foreach (var alert in due)
        {
            var errors = new List<string>();
            foreach (var channel in configured.Where(c => c.Wants(alert.Kind) && !alert.DeliveredTo.Contains(c.Key)))
            {
                if (down.TryGetValue(channel.Key, out var failed))
                {
                    errors.Add(failed);
                    continue;
                }

                try
                {
                    await channels.SendAsync(channel, AlertText.For(alert, channel.Language, address.Public, clock), cancellationToken);
                    alert.DeliveredTo = [.. alert.DeliveredTo, channel.Key];
                    metrics.AlertDelivered(channel.Kind.ToString(), true);
                    delivered++;
                }
                catch (Exception ex) when (IsDeliveryFailure(ex, cancellationToken))
                {
                    metrics.AlertDelivered(channel.Kind.ToString(), false);
                    errors.Add(down[channel.Key] = Describe(channel, ex));
                }
            }

            // Saved per alert, even when the process is stopping: a channel that accepted it is on record before the next alert is
            // sent (a crash between a send and this save is the one window in which a channel can get an alert twice).
            Settle(alert, errors, now);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        if (due.Count > 0) hub.Publish(new AlertDeliveriesChanged(now));
        return delivered;
    }

    private void Settle(Alert alert, List<string> errors, DateTime now)
    {
        if (errors.Count == 0)
        {
            alert.DeliveryPending = false;
            alert.DeliveryError = null;
            return;
        }

        alert.DeliveryAttempts++;
        var error = string.Join("; ", errors);
        alert.DeliveryError = error.Length > 1000 ? error[..1000] : error;
        if (alert.DeliveryAttempts >= MaxAttempts)
        {
            alert.DeliveryPending = false;
            alert.DeliveryGaveUpAt = now;
            logger.AlertGivenUp(alert.Id, alert.Kind, alert.DeliveryAttempts, error);
            return;
        }

        var wait = FirstRetry * Math.Pow(2, Math.Min(alert.DeliveryAttempts - 1, 10));
        alert.DeliveryNextAt = now + (wait < LongestRetry ? wait : LongestRetry);
        logger.AlertNotDelivered(alert.Id, alert.Kind, alert.DeliveryAttempts, error);
    }

    /// <summary>Whatever one channel throws (refused, unreachable, a mail server's 4xx, a bad answer) is that channel's failure, retried;
    /// it never stops the others. Only the process stopping ends the pass.</summary>
    private static bool IsDeliveryFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested;

    /// <summary>The channel as the page shows it (no token) and what went wrong.</summary>
    private static string Describe(AlertChannelOptions channel, Exception ex) => $"{channel.Kind} {channel.Shown}: {ex.GetType().Name} {ex.Message}";
}
