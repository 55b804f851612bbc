namespace PostingConsole.Publishing.Graph;

/// <summary>Meta's timestamps (<c>2026-12-05T09:26:00+0000</c>: an offset without a colon, which .NET reads only with one).</summary>
public static class GraphTime
{
    /// <summary>The UTC time of a Graph timestamp; <see cref="DateTime.MinValue"/> when there is none or it cannot be read.</summary>
    public static DateTime Parse(string? value) =>
        DateTimeOffset.TryParse(value?.Replace("+0000", "+00:00", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var parsed) ? parsed.UtcDateTime : DateTime.MinValue;
}
