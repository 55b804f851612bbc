namespace PostingConsole.Publishing;

/// <summary>The publishing engine's log lines, source-generated (no boxing, no formatting when the level is off).</summary>
internal static partial class PublishingLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Post {PostId}: claim {ClaimNumber} was lost ({Where}); this run stops without sending anything more")]
    public static partial void ClaimLost(this ILogger logger, int postId, long claimNumber, string where);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Post {PostId}: no progress for {Idle}; its lease is left to run out, and the run stops when it has")]
    public static partial void LeaseLeftToRunOut(this ILogger logger, int postId, TimeSpan idle);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Post {PostId}: claim {ClaimNumber} was taken over by another dispatcher; this run stops")]
    public static partial void ClaimTakenOver(this ILogger logger, int postId, long claimNumber);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Post {PostId}: lease renewal failed; trying again")]
    public static partial void LeaseRenewalFailed(this ILogger logger, Exception exception, int postId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Graph {Step} for post {PostId} failed: HTTP {HttpStatus} code {Code}/{Subcode} trace {FbtraceId}: {Message}")]
    public static partial void GraphCallFailed(this ILogger logger, string step, int postId, int? httpStatus, int? code, int? subcode, string? fbtraceId, string? message);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Permalink backfill for persona {PersonaId} failed: {Error}")]
    public static partial void BackfillFailed(this ILogger logger, int personaId, Graph.GraphError? error);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "A Graph call slot could not be given back; it frees itself at its time")]
    public static partial void SlotNotGivenBack(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Post {PostId}: step {Step} done: {Result}")]
    public static partial void StepDone(this ILogger logger, int postId, string step, Pipeline.StepResult result);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "First comment of post {PostId} could not be tried; the next pass tries again")]
    public static partial void FirstCommentPassFailed(this ILogger logger, int postId, Exception exception);
}
