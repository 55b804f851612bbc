using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing;

/// <summary>
/// Meta's <c>online_followers</c> as the persona's own day: each day's hour keys are in <c>Insights:OnlineFollowersTimeZone</c>
/// (Meta does not name the zone; a setting), each day ends at its <c>end_time</c>; every hour is moved to the persona's time zone
/// and the days are averaged. The result is 24 values, hour 0 = midnight where the persona's audience lives.
/// </summary>
public static class AudienceCurve
{
    /// <summary>Followers online by the persona's local hour, or null when Meta gave no day with data.</summary>
    public static int[]? ToLocalHours(IReadOnlyList<OnlineFollowersDay> days, TimeZoneInfo metaZone, TimeZoneInfo personaZone)
    {
        var sums = new double[24];
        var counts = new int[24];
        foreach (var day in days)
        {
            // end_time closes the day it is about (Meta's insights days end at midnight in its zone): that day's date.
            var end = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(day.EndTimeUtc, DateTimeKind.Utc), metaZone);
            var date = (end.TimeOfDay == TimeSpan.Zero ? end.AddDays(-1) : end).Date;
            foreach (var (hour, followers) in day.ByHour)
            {
                var local = DateTime.SpecifyKind(date.AddHours(hour), DateTimeKind.Unspecified);
                if (metaZone.IsInvalidTime(local)) continue; // the hour a clock skips
                var utc = TimeZoneInfo.ConvertTimeToUtc(local, metaZone);
                var personaHour = TimeZoneInfo.ConvertTimeFromUtc(utc, personaZone).Hour;
                sums[personaHour] += followers;
                counts[personaHour]++;
            }
        }

        if (counts.All(c => c == 0)) return null;
        return Enumerable.Range(0, 24).Select(h => counts[h] == 0 ? 0 : (int)Math.Round(sums[h] / counts[h])).ToArray();
    }
}
