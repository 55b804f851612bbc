namespace PostingConsole.Operations;

/// <summary>The retry choices of the failure screen and the API: <c>now</c>, <c>30m</c>, <c>1h</c>.</summary>
public static class RetryDelay
{
    public static readonly IReadOnlyDictionary<string, TimeSpan> Choices = new Dictionary<string, TimeSpan>
    {
        ["now"] = TimeSpan.Zero,
        ["30m"] = TimeSpan.FromMinutes(30),
        ["1h"] = TimeSpan.FromHours(1),
    };

    public static bool TryParse(string? value, out TimeSpan delay) => Choices.TryGetValue(value ?? "", out delay);
}
