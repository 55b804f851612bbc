using System.Text.Json;
using System.Threading.Channels;
using Npgsql;
using PostingConsole.Notifications;

namespace PostingConsole.Data;

/// <summary>
/// With several console processes on one PostgreSQL database, what one of them publishes on its <see cref="EventHub"/> reaches
/// the others' hubs (and so every open screen and the webhook sender) through PostgreSQL's <c>LISTEN/NOTIFY</c>: events are sent
/// in batches on channel <see cref="Channel"/> after they were committed, and each process publishes the others' events as its
/// own. A process that lost its listening connection reconnects (a second later).
/// </summary>
public sealed partial class PostgresEventRelay(EventHub hub, Configuration.AppPaths paths, ILogger<PostgresEventRelay> logger) : BackgroundService
{
    public const string Channel = "posting_events";

    /// <summary>NOTIFY's payload limit is 8000 bytes; a batch is cut below it.</summary>
    private const int MaxPayload = 7000;

    /// <summary>Korean stays UTF-8 (3 bytes a character) instead of \uXXXX escapes (6).</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, Type> EventTypes = typeof(PostingEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(PostingEvent)) && !t.IsAbstract).ToDictionary(t => t.Name);

    private readonly string instance = Guid.NewGuid().ToString("N");
    private readonly Channel<PostingEvent> outgoing = System.Threading.Channels.Channel.CreateUnbounded<PostingEvent>(new UnboundedChannelOptions { SingleReader = true });

    private sealed record Envelope(string From, List<Item> Events);

    private sealed record Item(string Type, JsonElement Event);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(paths.DatabaseConnectionString)
        {
            ApplicationName = "PostingConsole events",
        }.ConnectionString);
        using var subscription = hub.Subscribe(evt =>
        {
            if (!evt.FromOtherProcess) outgoing.Writer.TryWrite(evt); // what came from the others is not sent back
            return Task.CompletedTask;
        });
        await Task.WhenAll(ListenAsync(stoppingToken), SendAsync(dataSource, stoppingToken));
    }

    /// <summary>The listening connection's name in <c>pg_stat_activity</c>.</summary>
    public const string ListenerName = "PostingConsole listener";

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        // A connection of its own, outside any pool, kept open: a dead one is noticed by its keepalive and replaced.
        var listener = new NpgsqlConnectionStringBuilder(paths.DatabaseConnectionString) { ApplicationName = ListenerName, KeepAlive = 15, Pooling = false }.ConnectionString;
        var reconnecting = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listener);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // What the others sent meanwhile is in the database: the screens show it with the next event they get.
                if (reconnecting) LogReconnected(logger);

                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                LogListenFailed(logger, ex);
                reconnecting = true;
                await Task.Delay(Reconnect, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Receive(string payload)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(payload, Json);
            if (envelope is null || envelope.From == instance) return;
            foreach (var item in envelope.Events)
            {
                if (EventTypes.TryGetValue(item.Type, out var type) && item.Event.Deserialize(type, Json) is PostingEvent evt)
                {
                    hub.Publish(evt with { FromOtherProcess = true });
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            // An event of another version (a rolling upgrade): left out; the screens catch up with the next one.
            LogUnreadable(logger, ex);
        }
    }

    private async Task SendAsync(NpgsqlDataSource dataSource, CancellationToken stoppingToken)
    {
        var batch = new List<Item>();
        var size = 0;
        try
        {
            while (await outgoing.Reader.WaitToReadAsync(stoppingToken))
            {
                while (outgoing.Reader.TryRead(out var evt))
                {
                    if (Fit(evt) is not { } item) continue;
                    var itemSize = Size(item);
                    if (size + itemSize > MaxPayload && batch.Count > 0)
                    {
                        await NotifyAsync(dataSource, batch, stoppingToken);
                        batch = [];
                        size = 0;
                    }

                    batch.Add(item);
                    size += itemSize;
                }

                if (batch.Count > 0) await NotifyAsync(dataSource, batch, stoppingToken);
                batch = [];
                size = 0;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static int Size(Item item) => System.Text.Encoding.UTF8.GetByteCount(item.Event.GetRawText()) + item.Type.Length + 20;

    /// <summary>The event as sent; a log line or alert too long for one notification goes without its stored Korean words (its notice words it).</summary>
    private Item? Fit(PostingEvent evt)
    {
        var item = new Item(evt.GetType().Name, JsonSerializer.SerializeToElement(evt, evt.GetType(), Json));
        if (Size(item) <= MaxPayload) return item;
        PostingEvent shorter = evt switch
        {
            ActivityLogged log => log with { Message = log.Message[..Math.Min(log.Message.Length, 200)] },
            AlertRaised alert => alert with { Message = alert.Message[..Math.Min(alert.Message.Length, 200)] },
            _ => evt,
        };
        item = new Item(evt.GetType().Name, JsonSerializer.SerializeToElement(shorter, evt.GetType(), Json));
        if (Size(item) <= MaxPayload) return item;
        LogTooLarge(logger, evt.GetType().Name);
        return null;
    }

    private async Task NotifyAsync(NpgsqlDataSource dataSource, List<Item> batch, CancellationToken stoppingToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
            command.Parameters.AddWithValue("channel", Channel);
            command.Parameters.AddWithValue("payload", JsonSerializer.Serialize(new Envelope(instance, batch), Json));
            await command.ExecuteNonQueryAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
        {
            // The change itself is committed; the other processes' screens catch up with their next event.
            LogSendFailed(logger, ex, batch.Count);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Listening for other console processes' events failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Listening for other console processes' events again")]
    private static partial void LogReconnected(ILogger logger);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Could not send {Count} event(s) to other console processes")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "An event from another console process could not be read")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "A {EventType} event is too large for the other console processes; they show it with their next event")]
    private static partial void LogTooLarge(ILogger logger, string eventType);
}
