namespace PostingConsole.Domain;

public enum ActivityLevel
{
    Info,
    Success,
    Warning,
    Error,
}

/// <summary>
/// One line of the live log, e.g. <c>페르소나 '지수' 포스팅 시작...</c>: a <see cref="Notice"/> (<see cref="Code"/>, <see cref="Args"/>)
/// the screen words in its viewer's language, and its Korean wording (<see cref="Message"/>). The time is shown by the screen.
/// </summary>
public sealed class ActivityLogEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public ActivityLevel Level { get; set; }
    public int? PostId { get; set; }
    public int? PersonaId { get; set; }
    public string Message { get; set; } = "";
    public string? Code { get; set; }

    /// <summary>The notice's arguments, a JSON object.</summary>
    public string? Args { get; set; }

    /// <summary>The notice, or null for a line stored before notices.</summary>
    public Notice? Notice => Notice.Read(Code, Args);
}
