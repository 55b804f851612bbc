using System.Globalization;
using PostingConsole.Domain;

namespace PostingConsole.Components.Shared;

/// <summary>
/// Korean first, English selectable: the circuit's UI culture (from the <c>.AspNetCore.Culture</c> cookie,
/// set by <c>/culture/{code}</c>) picks one of the two strings given side by side at each use.
/// </summary>
public static class UiText
{
    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string T(string korean, string english) => IsEnglish ? english : korean;

    public static string Badge(PostStatus status) => IsEnglish
        ? status switch
        {
            PostStatus.Scheduled => "🕒 Waiting",
            PostStatus.InProgress => "⚙️ In progress",
            PostStatus.Published => "✅ Done",
            PostStatus.Retrying => "❌ Failed (retry planned)",
            PostStatus.Failed => "❌ Failed",
            PostStatus.Held => "⏸ Held",
            _ => "Given up",
        }
        : StatusLabels.Badge(status);

    public static string Reason(FailureReason? reason) => !IsEnglish ? StatusLabels.Reason(reason) : reason switch
    {
        null => "",
        FailureReason.Transient => "API error",
        FailureReason.RateLimited => "Rate limit",
        FailureReason.QuotaReached => "Publishing quota reached",
        FailureReason.AuthExpired => "Authorization expired",
        FailureReason.AccountSuspended => "Account suspended",
        FailureReason.ImageInvalid => "Image error",
        FailureReason.MediaUnreachable => "Image download failed",
        FailureReason.Policy => "Policy violation",
        FailureReason.InvalidInput => "Input error",
        FailureReason.OutcomeUnknown => "Outcome being checked",
        FailureReason.Missed => "Missed its time",
        _ => "Unknown error",
    };

    /// <summary>A media type's badge: 📷 사진 / 📱 스토리 / 🎬 릴스 / 🗂 캐러셀.</summary>
    public static string MediaLabel(Domain.MediaType type) => type switch
    {
        Domain.MediaType.Stories => T("📱 스토리", "📱 Story"),
        Domain.MediaType.Reels => T("🎬 릴스", "🎬 Reel"),
        Domain.MediaType.Carousel => T("🗂 캐러셀", "🗂 Carousel"),
        _ => T("📷 사진", "📷 Photo"),
    };

    public static string PersonaStatus(Domain.PersonaStatus status) => status switch
    {
        Domain.PersonaStatus.Active => T("정상", "Active"),
        Domain.PersonaStatus.Paused => T("일시 중단", "Paused"),
        Domain.PersonaStatus.Suspended => T("계정 정지", "Suspended"),
        _ => T("재인증 필요", "Needs re-authorization"),
    };
}
