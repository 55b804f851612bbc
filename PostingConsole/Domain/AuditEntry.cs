namespace PostingConsole.Domain;

/// <summary>
/// Who did what to which post, persona, key or user, and when: written in the same transaction as the change.
/// <see cref="Action"/> is a stable name such as <c>post.retry</c>; <see cref="Detail"/> never holds a secret.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string Actor { get; set; } = "";
    public string? Role { get; set; }
    public string Channel { get; set; } = "";
    public string Action { get; set; } = "";
    public string Target { get; set; } = "";
    public string? Detail { get; set; }

    public static AuditEntry For(Actor actor, string action, string target, string? detail, DateTime at) => new()
    {
        At = at, Actor = actor.Name, Role = actor.Role, Channel = actor.Channel, Action = action, Target = target,
        Detail = detail is { Length: > 500 } ? detail[..500] : detail,
    };
}

/// <summary>Stable names of audited actions.</summary>
public static class AuditActions
{
    public const string PostEdit = "post.edit";
    public const string PostPublishNow = "post.publish_now";
    public const string PostRetry = "post.retry";
    public const string PostRetryMatching = "post.retry_matching";
    public const string PostCancel = "post.cancel";
    public const string PostFirstCommentRetry = "post.first_comment_retry";
    public const string PersonaCreate = "persona.create";
    public const string PersonaToken = "persona.token_update";
    public const string PersonaPause = "persona.pause";
    public const string PersonaResume = "persona.resume";
    public const string PersonaWindow = "persona.window";
    public const string PersonaAiLabel = "persona.ai_label_default";
    public const string PersonaReslot = "persona.reslot";
    public const string PersonaCheck = "persona.check_all";
    public const string DispatchStop = "dispatch.stop";
    public const string DispatchStart = "dispatch.start";
    public const string UserCreate = "user.create";
    public const string UserRole = "user.role_change";
    public const string UserRemove = "user.remove";
    public const string UserUnlock = "user.unlock";
    public const string ApiKeyIssue = "apikey.issue";
    public const string ApiKeyRevoke = "apikey.revoke";
}
