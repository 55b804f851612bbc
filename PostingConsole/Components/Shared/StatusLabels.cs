using PostingConsole.Domain;

namespace PostingConsole.Components.Shared;

/// <summary>The spec's operator-facing words for statuses and failure reasons.</summary>
public static class StatusLabels
{
    public static string Badge(PostStatus status) => status switch
    {
        PostStatus.Scheduled => "🕒 대기",
        PostStatus.InProgress => "⚙️ 진행중",
        PostStatus.Published => "✅ 완료",
        PostStatus.Retrying => "❌ 실패 (재시도 예정)",
        PostStatus.Failed => "❌ 실패",
        PostStatus.Held => "⏸ 보류",
        PostStatus.Cancelled => "포기",
        _ => status.ToString(),
    };

    public static string Reason(FailureReason? reason) => reason switch
    {
        null => "",
        FailureReason.Transient => "API 오류",
        FailureReason.RateLimited => "Rate Limit",
        FailureReason.QuotaReached => "게시 한도 도달",
        FailureReason.AuthExpired => "인증 만료",
        FailureReason.AccountSuspended => "계정 정지",
        FailureReason.ImageInvalid => "이미지 오류",
        FailureReason.MediaUnreachable => "이미지 다운로드 실패",
        FailureReason.Policy => "정책 위반",
        FailureReason.InvalidInput => "입력 오류",
        FailureReason.OutcomeUnknown => "결과 확인 중",
        FailureReason.Missed => "예약 시간 놓침",
        _ => "알 수 없는 오류",
    };
}
