using PostingConsole.Security;
using PostingConsole.Domain;

namespace PostingConsole.Operations;

public enum OperationStatus
{
    Ok,
    Created,
    NotFound,
    Conflict,
    Forbidden,
    /// <summary>The input, merged with what is stored, breaks a rule; <c>Errors</c> names each field.</summary>
    Invalid,
}

/// <summary>The outcome of an operator action, shared by the HTTP API and the screens.</summary>
public sealed record OperationResult<T>(OperationStatus Status, T? Value, string? Error = null, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public bool Succeeded => Status is OperationStatus.Ok or OperationStatus.Created;

    public static OperationResult<T> Ok(T value) => new(OperationStatus.Ok, value);
    public static OperationResult<T> Created(T value) => new(OperationStatus.Created, value);
    public static OperationResult<T> NotFound(string what) => new(OperationStatus.NotFound, default, what);
    public static OperationResult<T> Conflict(string why) => new(OperationStatus.Conflict, default, why);
    public static OperationResult<T> Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(OperationStatus.Invalid, default, string.Join(" ", errors.SelectMany(e => e.Value)), errors);

    /// <summary>What an operator sees when the dispatcher or another operator saved a post between this action's read and its save.</summary>
    public static OperationResult<T> ChangedMeanwhile() =>
        Conflict("다른 작업(디스패처 또는 다른 운영자)이 방금 이 포스트를 변경했습니다. 새로고침 후 다시 시도하세요. " +
                 "(The post was changed by the dispatcher or another operator just now; nothing was saved. Reload and try again.)");
    public static OperationResult<T> Forbidden(Actor actor, Permission needed) =>
        new(OperationStatus.Forbidden, default, $"{actor.Name} ({actor.Role ?? "no role"}) may not do this: it needs the {needed} permission.");
}
