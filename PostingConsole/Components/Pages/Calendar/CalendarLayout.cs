using System.Globalization;

namespace PostingConsole.Components.Pages.Calendar;

/// <summary>The calendar's views: a week of hours (the default), a month of days, a day of hours.</summary>
public enum CalendarView
{
    Week,
    Month,
    Day,
}

/// <summary>
/// Where posts stand on the calendar, in the operator's time zone (<c>Console:TimeZone</c>): each view's range, the cell a local
/// time falls in (an hour of a day, or a day of a month), and the local time a post dropped on a cell moves to (the cell's day
/// and hour, keeping its minutes; a day cell keeps its time of day). Weeks start on Monday. Pure: the page and the tests share it.
/// </summary>
public static class CalendarLayout
{
    private const string HourFormat = "yyyy-MM-dd'T'HH";
    private const string DayFormat = "yyyy-MM-dd";

    public static CalendarView Parse(string? view) => view?.ToLowerInvariant() switch
    {
        "month" => CalendarView.Month,
        "day" => CalendarView.Day,
        _ => CalendarView.Week,
    };

    public static string Name(CalendarView view) => view.ToString().ToLowerInvariant();

    /// <summary>The Monday of <paramref name="day"/>'s week.</summary>
    public static DateTime WeekStart(DateTime day) => day.Date.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>The local days the view shows around <paramref name="anchor"/>: a week, a month's whole weeks, or a day.</summary>
    public static IReadOnlyList<DateTime> Days(CalendarView view, DateTime anchor)
    {
        switch (view)
        {
            case CalendarView.Day:
                return [anchor.Date];
            case CalendarView.Month:
                var first = new DateTime(anchor.Year, anchor.Month, 1);
                var start = WeekStart(first);
                var end = WeekStart(first.AddMonths(1).AddDays(-1)).AddDays(7);
                return Enumerable.Range(0, (end - start).Days).Select(d => start.AddDays(d)).ToList();
            default:
                var monday = WeekStart(anchor);
                return Enumerable.Range(0, 7).Select(d => monday.AddDays(d)).ToList();
        }
    }

    /// <summary>The local range the view shows: from its first day's midnight to the day after its last.</summary>
    public static (DateTime From, DateTime To) Range(CalendarView view, DateTime anchor)
    {
        var days = Days(view, anchor);
        return (days[0], days[^1].AddDays(1));
    }

    /// <summary>The anchor of the previous or next page of the view (<paramref name="step"/> −1 or +1).</summary>
    public static DateTime Step(CalendarView view, DateTime anchor, int step) => view switch
    {
        CalendarView.Month => anchor.AddMonths(step),
        CalendarView.Day => anchor.AddDays(step),
        _ => anchor.AddDays(7 * step),
    };

    /// <summary>The cell a local time falls in: <c>2026-12-07T09</c> (an hour of a day) or <c>2026-12-07</c> (a month's day).</summary>
    public static string Cell(CalendarView view, DateTime local) =>
        local.ToString(view == CalendarView.Month ? DayFormat : HourFormat, CultureInfo.InvariantCulture);

    public static string HourCell(DateTime day, int hour) => day.Date.AddHours(hour).ToString(HourFormat, CultureInfo.InvariantCulture);

    public static string DayCell(DateTime day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// Where a post at <paramref name="local"/> goes when dropped on <paramref name="cell"/>: that hour with its minutes, or that day at
    /// its time of day. Null for a cell name that is neither.
    /// </summary>
    public static DateTime? MoveTo(string cell, DateTime local)
    {
        if (DateTime.TryParseExact(cell, HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var hour))
            return hour.AddMinutes(local.Minute).AddSeconds(local.Second);
        if (DateTime.TryParseExact(cell, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return day + local.TimeOfDay;
        return null;
    }
}
