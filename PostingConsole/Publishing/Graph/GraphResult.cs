using System.Diagnostics.CodeAnalysis;

namespace PostingConsole.Publishing.Graph;

/// <summary>
/// A Graph API error as the poster needs it: HTTP status, code, subcode, message, fbtrace id, is_transient.
/// <see cref="NoAnswer"/> marks a call that got no answer (timeout, connection reset): its outcome is unknown.
/// </summary>
public sealed record GraphError(
    int? HttpStatus, int? Code, int? Subcode, string Message, string? Type = null, string? UserTitle = null,
    string? UserMessage = null, string? FbtraceId = null, bool? IsTransient = null, bool NoAnswer = false)
{
    public override string ToString() =>
        NoAnswer ? $"no answer: {Message}" : $"HTTP {HttpStatus} code {Code}{(Subcode is { } s ? "/" + s : "")}: {Message}";
}

/// <summary>Rate-limit usage from <c>X-App-Usage</c> and <c>X-Business-Use-Case-Usage</c>.</summary>
public sealed record GraphUsage(int? AppCallCountPercent, int? BusinessCallCountPercent, TimeSpan? RegainAccessIn)
{
    public static readonly GraphUsage None = new(null, null, null);

    /// <summary>Above about 90 % of a budget Meta advises slowing down.</summary>
    public bool NearLimit => AppCallCountPercent >= 90 || BusinessCallCountPercent >= 90;
}

/// <summary>
/// The outcome of one Graph call: a value or an error, with timing and usage. Made only through <see cref="Ok"/> and
/// <see cref="Failed"/>, so the compiler knows which of the two a checked <see cref="Succeeded"/> leaves set.
/// </summary>
public sealed class GraphResult<T> where T : notnull
{
    private GraphResult(T? value, GraphError? error, int? httpStatus, int durationMs, GraphUsage usage)
    {
        Value = value;
        Error = error;
        HttpStatus = httpStatus;
        DurationMs = durationMs;
        Usage = usage;
    }

    public static GraphResult<T> Ok(T value, int? httpStatus, int durationMs, GraphUsage usage) => new(value, null, httpStatus, durationMs, usage);

    public static GraphResult<T> Failed(GraphError error, int? httpStatus, int durationMs, GraphUsage usage) => new(default, error, httpStatus, durationMs, usage);

    public T? Value { get; }
    public GraphError? Error { get; }
    public int? HttpStatus { get; }
    public int DurationMs { get; }
    public GraphUsage Usage { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;
}
