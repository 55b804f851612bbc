namespace PostingConsole.Domain;

public enum AlertKind
{
    AuthExpired,
    AccountSuspended,
    ImageNeedsRegeneration,
    PostFailed,
    /// <summary>Meta suspects spam (4/2207051): the persona is stopped until an operator resumes it.</summary>
    SpamSuspected,
    /// <summary>Posts of a persona missed their time by more than <c>Posting:MissedPostGrace</c> and were held.</summary>
    PostsMissed,
    /// <summary>A persona's token (or its data access) expires within <c>Readiness:TokenExpiryWarning</c>.</summary>
    TokenExpiring,
    /// <summary>Upcoming posts of a persona are blocked by the readiness check (one alert while any stays blocked).</summary>
    NotReady,
}

/// <summary>
/// An incident that needs an operator. <see cref="IncidentKey"/> makes it one alert per incident
/// (per persona for account trouble, per post for image trouble), not one per post.
/// </summary>
public sealed class Alert
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public AlertKind Kind { get; set; }
    public string IncidentKey { get; set; } = "";
    public int? PersonaId { get; set; }
    public int? PostId { get; set; }
    /// <summary>The Korean wording of <see cref="Notice"/>.</summary>
    public string Message { get; set; } = "";
    public string? Code { get; set; }
    public string? Args { get; set; }
    public DateTime? ResolvedAt { get; set; }

    // The alert channels' outbox (Alerts:Channels): the alert row is committed with its incident, so it is never lost; each
    // channel that accepted it is recorded and never gets it again; the others are retried until MaxAttempts.

    /// <summary>Some channel that wants the alert has not accepted it yet (set when raised; cleared when all have, or given up).</summary>
    public bool DeliveryPending { get; set; }

    /// <summary>The channels (<c>AlertChannelOptions.Key</c>) that accepted the alert.</summary>
    public List<string> DeliveredTo { get; set; } = [];

    public int DeliveryAttempts { get; set; }
    public DateTime? DeliveryNextAt { get; set; }

    /// <summary>What went wrong with the channels still to accept it, at the last try (never a token).</summary>
    public string? DeliveryError { get; set; }

    public DateTime? DeliveryGaveUpAt { get; set; }

    /// <summary>What the alert says (worded by the screen), or null for one stored before notices.</summary>
    public Notice? Notice => Notice.Read(Code, Args);

    /// <summary>The console page that fixes it: the personas board for an account's trouble (a token, a suspension, spam), the
    /// readiness screen, the failure screen, or the post's page.</summary>
    public string FixPath => Kind switch
    {
        AlertKind.AuthExpired or AlertKind.AccountSuspended or AlertKind.SpamSuspected or AlertKind.TokenExpiring => "/personas",
        AlertKind.NotReady => "/readiness",
        AlertKind.PostsMissed => "/failures",
        _ when PostId is { } id => $"/posts/{id}",
        _ => "/failures",
    };
}
