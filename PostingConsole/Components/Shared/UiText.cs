using System.Globalization;
using PostingConsole.Domain;

namespace PostingConsole.Components.Shared;

/// <summary>
/// Korean first, English selectable: the circuit's UI culture (from the <c>.AspNetCore.Culture</c> cookie,
/// set by <c>/culture/{code}</c>) picks the words. A screen asks for a text by its English words, <c>T("Posting queue")</c>,
/// and gets them in the viewer's language from <see cref="Texts"/> (key <c>ui.&lt;English&gt;</c> in Texts.resx and Texts.en.resx).
/// A text with values is <c>TFormat("{0} selected", count)</c>. A few are still given as a Korean/English pair: relative times
/// (their unit words) and the five whose English is the same for two Korean texts.
/// </summary>
public static class UiText
{
    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string T(string english) => Texts.Find("ui." + english, CultureInfo.CurrentUICulture) ?? english;

    /// <summary>A text with values: <c>TFormat("{0} selected", count)</c>, its words from the resource files, the values in place.</summary>
    public static string TFormat(string english, params object?[] values) =>
        string.Format(CultureInfo.CurrentCulture, T(english), values);

    public static string T(string korean, string english) => IsEnglish ? english : korean;

    /// <summary>
    /// A log line's or an alert's words in the viewer's language (<paramref name="time"/> shows its times in the operator's zone);
    /// a line stored before notices keeps its stored <paramref name="message"/>.
    /// </summary>
    public static string Words(Notice? notice, string message, Func<DateTime, string> time) =>
        notice?.Word(CultureInfo.CurrentUICulture, time, message) ?? message;

    public static string Badge(PostStatus status) => Texts.Status(status, CultureInfo.CurrentUICulture);

    public static string Reason(FailureReason? reason) => Texts.Reason(reason, CultureInfo.CurrentUICulture);

    /// <summary>준비됨 / 주의 / 문제.</summary>
    public static string Readiness(ReadinessState state) => Texts.Readiness(state, CultureInfo.CurrentUICulture);

    /// <summary>A readiness problem in the viewer's words (what the code means — what was found).</summary>
    public static string Problem(ReadinessProblem problem) => Texts.Problem(problem, CultureInfo.CurrentUICulture);

    public static string ProblemName(ReadinessCode code) => Texts.ProblemName(code, CultureInfo.CurrentUICulture);

    /// <summary>A media type's badge: 📷 사진 / 📱 스토리 / 🎬 릴스 / 🗂 캐러셀.</summary>
    public static string MediaLabel(Domain.MediaType type) => type switch
    {
        Domain.MediaType.Stories => T("📱 Story"),
        Domain.MediaType.Reels => T("🎬 Reel"),
        Domain.MediaType.Carousel => T("🗂 Carousel"),
        _ => T("📷 Photo"),
    };

    public static string PersonaStatus(Domain.PersonaStatus status) => status switch
    {
        Domain.PersonaStatus.Active => T("정상", "Active"),
        Domain.PersonaStatus.Paused => T("Paused"),
        Domain.PersonaStatus.Suspended => T("Suspended"),
        _ => T("Needs re-authorization"),
    };
}
