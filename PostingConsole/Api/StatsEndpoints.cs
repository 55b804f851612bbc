using System.Globalization;
using PostingConsole.Operations;

namespace PostingConsole.Api;

public sealed record DailyStatsResponse(string TimeZone, IReadOnlyList<DailyStats> Days);

/// <summary><c>GET /api/stats/daily?from=&amp;to=</c> (docs/architecture.md#the-api): dates (yyyy-MM-dd) in the operator's time zone, inclusive; default the last 7 days.</summary>
public static class StatsEndpoints
{
    private static readonly DateOnly Earliest = new(2000, 1, 1);
    private static readonly DateOnly Latest = new(2100, 12, 31);

    public static RouteGroupBuilder MapStatsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/stats/daily", async (string? from, string? to, StatsQueries stats, ConsoleClock clock, TimeProvider time, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var today = stats.Today(time.GetUtcNow().UtcDateTime);
            var toDay = to is null ? today : ParseDay(to, "to", errors);
            var fromDay = from is not null ? ParseDay(from, "from", errors) : errors.Count == 0 ? toDay.AddDays(-6) : default;
            if (errors.Count == 0 && fromDay > toDay) errors["from"] = ["from must not be after to."];
            if (errors.Count == 0 && toDay.DayNumber - fromDay.DayNumber >= StatsQueries.MaxDays) errors["to"] = [$"At most {StatsQueries.MaxDays} days at once."];
            if (errors.Count > 0) return Problems.Validation(errors);

            return Results.Ok(new DailyStatsResponse(clock.ZoneName, await stats.DailyAsync(fromDay, toDay, ct)));
        }).WithTags("Stats");
        return api;
    }

    private static DateOnly ParseDay(string value, string field, Dictionary<string, string[]> errors)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day >= Earliest && day <= Latest) return day;
        errors[field] = [$"{field} must be a date such as 2026-11-24, between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}."];
        return default;
    }
}
