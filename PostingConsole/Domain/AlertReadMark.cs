namespace PostingConsole.Domain;

/// <summary>
/// How far one user has read the alerts: every alert up to <see cref="ReadThroughId"/> is read for them, newer ones are
/// not. Opening the bell moves the signed-in user's mark only; the others still see their unread count.
/// </summary>
public sealed class AlertReadMark
{
    public string UserName { get; set; } = "";
    public long ReadThroughId { get; set; }
}
