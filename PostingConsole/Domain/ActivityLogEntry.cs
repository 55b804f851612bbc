namespace PostingConsole.Domain;

public enum ActivityLevel
{
    Info,
    Success,
    Warning,
    Error,
}

/// <summary>One line of the live log, e.g. <c>페르소나 '지수' 포스팅 시작...</c>. The time is shown by the screen.</summary>
public sealed class ActivityLogEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public ActivityLevel Level { get; set; }
    public int? PostId { get; set; }
    public int? PersonaId { get; set; }
    public string Message { get; set; } = "";
}
