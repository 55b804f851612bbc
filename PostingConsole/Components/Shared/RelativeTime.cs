namespace PostingConsole.Components.Shared;

/// <summary>"3분 후", "2시간 전" (English: "in 3 min", "2 h ago"): how far a time is from now, in the viewer's language.</summary>
public static class RelativeTime
{
    public static string Format(DateTime atUtc, DateTime nowUtc)
    {
        var delta = atUtc - nowUtc;
        var span = delta.Duration();
        if (span < TimeSpan.FromMinutes(1)) return UiText.T("지금", "now");
        var (amount, korean, english) = span switch
        {
            _ when span < TimeSpan.FromHours(1) => ((int)span.TotalMinutes, "분", "min"),
            _ when span < TimeSpan.FromDays(1) => ((int)span.TotalHours, "시간", "h"),
            _ => ((int)span.TotalDays, "일", "d"),
        };
        return delta > TimeSpan.Zero
            ? UiText.T($"{amount}{korean} 후", $"in {amount} {english}")
            : UiText.T($"{amount}{korean} 전", $"{amount} {english} ago");
    }
}
