namespace PostingConsole.Domain;

/// <summary>A persona's active hours in its own time zone (issue 11): a post due outside them waits for them to open.</summary>
public static class PostingWindow
{
    /// <summary>One end of a window as operators write it, <c>HH:mm</c> (the API and the personas board read it the same way).</summary>
    public static bool TryParseTime(string? value, out TimeOnly time) =>
        TimeOnly.TryParseExact(value?.Trim(), "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out time);

    /// <summary>One end of a window as operators write it and read it back.</summary>
    public static string Format(TimeOnly time) => time.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The window as shown: <c>08:00–23:00</c>, or null without one.</summary>
    public static string? Describe(TimeOnly? from, TimeOnly? to) => from is { } f && to is { } t ? $"{Format(f)}–{Format(t)}" : null;

    /// <summary>
    /// When the window <paramref name="from"/>–<paramref name="to"/> (local times in <paramref name="timeZone"/>; may wrap
    /// midnight) next opens, as UTC, if <paramref name="utcNow"/> is outside it; null inside it or when there is no window.
    /// </summary>
    public static DateTime? OpensAt(TimeOnly? from, TimeOnly? to, string timeZone, DateTime utcNow)
    {
        if (from is not { } start || to is not { } end) return null;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcNow, DateTimeKind.Utc), zone);
        var time = TimeOnly.FromDateTime(local);
        var inside = start < end ? time >= start && time < end : time >= start || time < end;
        if (inside) return null;
        var opens = local.Date + start.ToTimeSpan();
        if (opens <= local) opens = opens.AddDays(1);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(opens, DateTimeKind.Unspecified), zone);
    }
}
