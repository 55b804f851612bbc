using System.Globalization;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;

namespace PostingConsole.Operations;

/// <summary>Shows UTC times in the operator's time zone (<c>Console:TimeZone</c>, default Asia/Seoul), with the date.</summary>
public sealed class ConsoleClock(IOptions<ConsoleOptions> options)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public string ZoneName => zone.Id;

    public DateTime ToUtc(DateTime local) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);

    /// <summary>Start and end (UTC) of the operator's current day.</summary>
    public (DateTime From, DateTime To) Today(DateTime nowUtc)
    {
        var localMidnight = ToLocal(nowUtc).Date;
        return (ToUtc(localMidnight), ToUtc(localMidnight.AddDays(1)));
    }

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    public string Format(DateTime? utc) => utc is { } value ? ToLocal(value).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    public string FormatTime(DateTime utc) => ToLocal(utc).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    public string FormatHourMinute(DateTime utc) => ToLocal(utc).ToString("HH:mm", CultureInfo.InvariantCulture);
}
