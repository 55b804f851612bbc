using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;

namespace PostingConsole.Operations;

/// <summary>An alert channel as the alerts' page shows it: what it is (never its token), what waits for it, what went wrong last.</summary>
public sealed record AlertChannelState(int Index, AlertChannelOptions Channel, int Pending, int GivenUp, string? LastError);

/// <summary>A webhook receiver as the alerts' page shows it: its address (no query), signed or not, what waits for it, the last error.</summary>
public sealed record WebhookReceiverState(string Shown, bool HasSecret, IReadOnlyList<string>? Events, int Pending, int GivenUp, string? LastError);

/// <summary>The alerts' page (<c>/alerts</c>): the recent alerts with each channel's delivery, the channels' and the receivers' states.</summary>
public sealed class AlertQueries(IDbContextFactory<PostingDbContext> contextFactory, IOptionsMonitor<AlertOptions> alerts, IOptionsMonitor<NotificationOptions> notifications)
{
    /// <summary>Outbox rows read for the states: the newest, enough to cover any outage the page needs to show.</summary>
    private const int Window = 2000;

    public IReadOnlyList<AlertChannelOptions> Channels => alerts.CurrentValue.Channels;

    public async Task<IReadOnlyList<Alert>> RecentAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Alerts.AsNoTracking().OrderByDescending(a => a.Id).Take(count).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AlertChannelState>> ChannelStatesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var open = await db.Alerts.AsNoTracking().Where(a => a.DeliveryPending || a.DeliveryGaveUpAt != null)
            .OrderByDescending(a => a.Id).Take(Window).ToListAsync(cancellationToken);
        return Channels.Select((channel, index) =>
        {
            var missing = open.Where(a => channel.Wants(a.Kind) && !a.DeliveredTo.Contains(channel.Key)).ToList();
            var lastError = missing.Select(a => a.DeliveryError).FirstOrDefault(e => e?.Contains($"{channel.Kind} {channel.Shown}:", StringComparison.Ordinal) == true);
            return new AlertChannelState(index, channel, missing.Count(a => a.DeliveryPending), missing.Count(a => !a.DeliveryPending), Part(lastError, $"{channel.Kind} {channel.Shown}:"));
        }).ToList();
    }

    public async Task<IReadOnlyList<WebhookReceiverState>> ReceiverStatesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var open = await db.WebhookMessages.AsNoTracking().Where(m => m.DeliveredAt == null)
            .OrderByDescending(m => m.Id).Take(Window).ToListAsync(cancellationToken);
        return notifications.CurrentValue.AllReceivers.Select(receiver =>
        {
            var missing = open.Where(m => receiver.Wants(m.Type) && !m.DeliveredTo.Contains(receiver.Url)).ToList();
            var lastError = missing.Select(m => m.LastError).FirstOrDefault(e => e?.Contains(receiver.Url + ":", StringComparison.Ordinal) == true);
            return new WebhookReceiverState(Shown(receiver.Url), receiver.Secret is not null, receiver.Events,
                missing.Count(m => m.GaveUpAt == null), missing.Count(m => m.GaveUpAt != null), Part(lastError, receiver.Url + ":")?.Replace(receiver.Url, Shown(receiver.Url), StringComparison.Ordinal));
        }).ToList();
    }

    /// <summary>A receiver's address without its query or user info (either can hold a secret).</summary>
    public static string Shown(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}" : "?";

    /// <summary>The part of a joined error ("a: …; b: …") about one channel or receiver.</summary>
    private static string? Part(string? error, string prefix) =>
        error?.Split("; ").FirstOrDefault(p => p.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();
}
