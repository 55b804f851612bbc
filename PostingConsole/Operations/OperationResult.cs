using PostingConsole.Security;

namespace PostingConsole.Operations;

public enum OperationStatus
{
    Ok,
    Created,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>The outcome of an operator action, shared by the HTTP API and the screens.</summary>
public sealed record OperationResult<T>(OperationStatus Status, T? Value, string? Error = null)
{
    public bool Succeeded => Status is OperationStatus.Ok or OperationStatus.Created;

    public static OperationResult<T> Ok(T value) => new(OperationStatus.Ok, value);
    public static OperationResult<T> Created(T value) => new(OperationStatus.Created, value);
    public static OperationResult<T> NotFound(string what) => new(OperationStatus.NotFound, default, what);
    public static OperationResult<T> Conflict(string why) => new(OperationStatus.Conflict, default, why);
    public static OperationResult<T> Forbidden(Actor actor, Permission needed) =>
        new(OperationStatus.Forbidden, default, $"{actor.Name} ({actor.Role ?? "no role"}) may not do this: it needs the {needed} permission.");
}
