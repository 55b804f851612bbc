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

/// <summary>The outcome of one Graph call: a value or an error, with timing and usage.</summary>
public sealed record GraphResult<T>(T? Value, GraphError? Error, int? HttpStatus, int DurationMs, GraphUsage Usage)
{
    public bool Succeeded => Error is null;
}
