namespace PostingConsole.Worker;

/// <summary>The background loops' log lines, source-generated.</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Recovering post {PostId} (claim {ClaimNumber}): its lease expired mid-flight")]
    public static partial void RecoveringPost(this ILogger logger, int postId, long claimNumber);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Publishing post {PostId} stopped unexpectedly; it will be reconciled when its lease expires")]
    public static partial void RunStoppedUnexpectedly(this ILogger logger, Exception exception, int postId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Dispatch pass failed; trying again shortly")]
    public static partial void DispatchPassFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Account check of persona {PersonaId} got no usable answer: {Error}")]
    public static partial void AccountCheckNoAnswer(this ILogger logger, int personaId, string error);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Gave up delivering webhook {EventId} ({Type}) after {Attempts} attempts: {Error}")]
    public static partial void WebhookGivenUp(this ILogger logger, string eventId, string type, int attempts, string error);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Webhook {EventId} ({Type}) not delivered (attempt {Attempts}): {Error}")]
    public static partial void WebhookNotDelivered(this ILogger logger, string eventId, string type, int attempts, string error);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Error, Message = "Webhook delivery pass failed; trying again shortly")]
    public static partial void WebhookPassFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5090, Level = LogLevel.Error, Message = "Alert {AlertId} ({Kind}) given up after {Attempts} tries: {Error}")]
    public static partial void AlertGivenUp(this ILogger logger, long alertId, Domain.AlertKind kind, int attempts, string error);

    [LoggerMessage(EventId = 5091, Level = LogLevel.Warning, Message = "Alert {AlertId} ({Kind}) not delivered to every channel (attempt {Attempts}): {Error}")]
    public static partial void AlertNotDelivered(this ILogger logger, long alertId, Domain.AlertKind kind, int attempts, string error);
}
