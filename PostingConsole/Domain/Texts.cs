using System.Globalization;
using System.Resources;

namespace PostingConsole.Domain;

/// <summary>
/// The console's words kept in resource files: <c>Texts.resx</c> (Korean, the neutral language) and <c>Texts.en.resx</c>
/// (English). Keys: a <see cref="Notice"/> code, <c>status.&lt;PostStatus&gt;</c>, <c>reason.&lt;FailureReason&gt;</c>,
/// <c>readiness.&lt;ReadinessState&gt;</c>, <c>problem.&lt;ReadinessCode&gt;</c>.
/// </summary>
public static class Texts
{
    private static readonly ResourceManager Resources = new("PostingConsole.Domain.Texts", typeof(Texts).Assembly);

    /// <summary>The text of <paramref name="key"/> in <paramref name="culture"/> (Korean unless English); null when there is none.</summary>
    public static string? Find(string key, CultureInfo culture) => Resources.GetString(key, culture);

    public static string Status(PostStatus status, CultureInfo culture) => Find("status." + status, culture) ?? status.ToString();

    /// <summary>준비됨 / 주의 / 문제.</summary>
    public static string Readiness(ReadinessState state, CultureInfo culture) => Find("readiness." + state, culture) ?? state.ToString();

    /// <summary>A readiness problem in words: what the code means, and what was found.</summary>
    public static string ProblemName(ReadinessCode code, CultureInfo culture) => Find("problem." + code, culture) ?? code.ToString();

    public static string Problem(ReadinessProblem problem, CultureInfo culture)
    {
        var words = ProblemName(problem.Code, culture);
        return problem.Detail is null ? words : $"{words} — {(problem.Field is null ? "" : problem.Field + " ")}{problem.Detail}";
    }

    /// <summary>Why a slotted post is where it is: "목 20:00 — 최근 8주 이 페르소나 상위 시간대", the day and time in the persona's own zone.</summary>
    public static string Slot(SlotReason reason, DateTime scheduledAtUtc, string timeZone, CultureInfo culture)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(scheduledAtUtc, DateTimeKind.Utc), zone);
        var day = culture.DateTimeFormat.GetAbbreviatedDayName(local.DayOfWeek);
        return $"{day} {local:HH:mm} — {Find("slot." + reason, culture) ?? reason.ToString()}";
    }

    public static string Reason(FailureReason? reason, CultureInfo culture) =>
        reason is null ? "" : Find("reason." + reason, culture) ?? Find("reason." + FailureReason.Unknown, culture) ?? reason.ToString()!;
}
