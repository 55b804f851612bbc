namespace PostingConsole.Domain;

/// <summary>
/// One Instagram Business account (data owned by 001-persona). The access token is kept only in
/// encrypted form (<see cref="ProtectedToken"/>); <see cref="TokenHint"/> is its last four characters.
/// </summary>
public sealed class Persona
{
    public int Id { get; private set; }
    public string Name { get; private set; } = "";
    public string IgUserId { get; private set; } = "";
    public string ProtectedToken { get; private set; } = "";
    public string TokenHint { get; private set; } = "";
    public string TimeZone { get; private set; } = "Asia/Seoul";

    /// <summary>Optional posting window in the persona's own <see cref="TimeZone"/>: posts start only from <see cref="WindowFrom"/>
    /// up to <see cref="WindowTo"/> (it may wrap midnight, e.g. 22:00–02:00). Both set or neither.</summary>
    public TimeOnly? WindowFrom { get; private set; }
    public TimeOnly? WindowTo { get; private set; }

    public PersonaStatus Status { get; private set; } = PersonaStatus.Active;
    public string? StatusReason { get; private set; }
    public DateTime? StatusChangedAt { get; private set; }

    public int? QuotaUsage { get; private set; }
    public int? QuotaTotal { get; private set; }
    public DateTime? QuotaCheckedAt { get; private set; }

    /// <summary>
    /// The account's throttle circuit: set when Meta throttled it, until its own estimate. No call goes to the account
    /// before then; after it, one post probes, and the first successful call closes the circuit (null).
    /// </summary>
    public DateTime? ThrottledUntil { get; private set; }

    /// <summary>When Meta's <c>debug_token</c> was last asked about the token (docs/readiness.md#tokens), answered or not: once a day.</summary>
    public DateTime? TokenCheckedAt { get; private set; }

    /// <summary>When the token expires; null when it never does (Meta's <c>expires_at</c> 0) or before the first read.</summary>
    public DateTime? TokenExpiresAt { get; private set; }

    /// <summary>When reading data with the token stops (Meta's <c>data_access_expires_at</c>); null when never or unknown.</summary>
    public DateTime? DataAccessExpiresAt { get; private set; }

    /// <summary>The token's permissions, comma-separated, as Meta listed them; null until Meta answered about this token.</summary>
    public string? TokenScopes { get; private set; }

    /// <summary>Which stored token the dates and scopes above are about (<see cref="TokenKey"/>): an answer about a token replaced since says nothing.</summary>
    public string? TokenInfoFor { get; private set; }

    /// <summary>The expiry an alert was raised for (one alert per persona per expiry date).</summary>
    public DateTime? TokenExpiryWarnedFor { get; private set; }

    /// <summary>When the token was last replaced: a verdict on the token read before this is about the old one.</summary>
    public DateTime? TokenReplacedAt { get; private set; }

    public DateTime? LastPublishedAt { get; private set; }

    /// <summary>
    /// The persona's followers online by hour of its own day (24 values, hour 0 = midnight in <see cref="TimeZone"/>), averaged
    /// over the days Meta's <c>online_followers</c> last gave; null until read, or when Meta gives none (under 100 followers).
    /// </summary>
    public List<int>? OnlineFollowers { get; private set; }

    /// <summary>When <c>online_followers</c> was last asked for (answered or not): once a day.</summary>
    public DateTime? OnlineFollowersReadAt { get; private set; }
    public DateTime? LastErrorAt { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>New posts carry Instagram's AI label (<c>is_ai_generated</c>) unless they say otherwise; on for a new persona (its images are generated).</summary>
    public bool AiLabelDefault { get; private set; } = true;

    /// <summary>Sandbox mode only: the fault the simulated Graph API plays for this account.</summary>
    public SandboxFault SandboxFault { get; private set; }

    /// <summary>Sandbox mode only: when the simulated Meta lets this account's token expire (null: never, as a Page token).</summary>
    public DateTime? SandboxTokenExpiresAt { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    private Persona() { }

    public static Persona Create(string name, string igUserId, string protectedToken, string tokenHint, string? timeZone, DateTime now) =>
        new()
        {
            Name = name,
            IgUserId = igUserId,
            ProtectedToken = protectedToken,
            TokenHint = tokenHint,
            TimeZone = string.IsNullOrWhiteSpace(timeZone) ? "Asia/Seoul" : timeZone,
            CreatedAt = now,
            UpdatedAt = now,
        };

    public static string HintFor(string token) => token.Length <= 4 ? new string('*', token.Length) : token[^4..];

    /// <summary>True while the dispatcher may publish for this persona.</summary>
    public bool CanPublish => Status == PersonaStatus.Active;

    public void ReplaceToken(string protectedToken, string tokenHint, DateTime now)
    {
        ProtectedToken = protectedToken;
        TokenHint = tokenHint;
        TokenReplacedAt = now;
        TokenCheckedAt = TokenExpiresAt = DataAccessExpiresAt = null;
        TokenScopes = null;
        SandboxTokenExpiresAt = null; // the Sandbox's Meta issued a new token, valid with no expiry
        SetStatus(PersonaStatus.Active, null, now);
    }

    /// <summary>Records Meta's <c>debug_token</c> answer about the stored token <paramref name="asked"/> (<see cref="ProtectedToken"/> when asked).</summary>
    public void RecordToken(DateTime? expiresAt, DateTime? dataAccessExpiresAt, IEnumerable<string> scopes, DateTime now, string? asked = null)
    {
        TokenInfoFor = TokenKey(asked ?? ProtectedToken);
        TokenExpiresAt = expiresAt;
        DataAccessExpiresAt = dataAccessExpiresAt;
        TokenScopes = string.Join(",", scopes);
        TokenCheckedAt = now;
        UpdatedAt = now;
    }

    /// <summary>Meta was asked about the token and did not answer (or it cannot be read): asked again a day later.</summary>
    public void RecordTokenAsked(DateTime now) => TokenCheckedAt = now;

    /// <summary>Meta answered about the current token (<see cref="RecordToken"/>): its dates and scopes are known.</summary>
    public bool TokenKnown => TokenScopes is not null && TokenInfoFor == TokenKey(ProtectedToken);

    /// <summary>A short name of a stored (encrypted) token, to tell which token an answer was about; not a secret.</summary>
    public static string TokenKey(string protectedToken) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(protectedToken)))[..16];

    /// <summary>The earlier of the token's expiry and its data access's: the date that matters to the operator.</summary>
    public DateTime? TokenHorizon => TokenExpiresAt is { } t && DataAccessExpiresAt is { } d ? (t < d ? t : d) : TokenExpiresAt ?? DataAccessExpiresAt;

    public void MarkTokenExpiryWarned(DateTime expiresAt) => TokenExpiryWarnedFor = expiresAt;

    public void Pause(string? reason, DateTime now) => SetStatus(PersonaStatus.Paused, reason, now);

    public void Resume(DateTime now) => SetStatus(PersonaStatus.Active, null, now);

    public void MarkNeedsReauth(string reason, DateTime now) => SetStatus(PersonaStatus.NeedsReauth, reason, now);

    public void MarkSuspended(string reason, DateTime now) => SetStatus(PersonaStatus.Suspended, reason, now);

    public void OpenCircuit(DateTime until, DateTime now)
    {
        ThrottledUntil = until;
        UpdatedAt = now;
    }

    public void CloseCircuit(DateTime now)
    {
        ThrottledUntil = null;
        UpdatedAt = now;
    }

    public void RecordQuota(int usage, int total, DateTime now)
    {
        QuotaUsage = usage;
        QuotaTotal = total;
        QuotaCheckedAt = now;
    }

    public void RecordPublished(DateTime now)
    {
        LastPublishedAt = now;
        if (QuotaUsage is { } used) QuotaUsage = used + 1;
        UpdatedAt = now;
    }

    /// <summary>Meta's <c>online_followers</c>, by hour of the persona's own day (null: Meta gave none); asked again a day later.</summary>
    public void RecordOnlineFollowers(IReadOnlyList<int>? byLocalHour, DateTime now)
    {
        if (byLocalHour is not null && byLocalHour.Count != 24) throw new ArgumentException("24 hours expected.", nameof(byLocalHour));
        OnlineFollowers = byLocalHour?.ToList();
        OnlineFollowersReadAt = now;
    }

    /// <summary>Asked for <c>online_followers</c> without an answer: asked again a day later, the curve kept.</summary>
    public void RecordOnlineFollowersAsked(DateTime now) => OnlineFollowersReadAt = now;

    public void RecordError(string message, DateTime now)
    {
        LastError = message.Length > 500 ? message[..500] : message;
        LastErrorAt = now;
        UpdatedAt = now;
    }

    /// <summary>Sets or clears (both null) the posting window; the caller has checked that both or neither are given and differ.</summary>
    public void SetPostingWindow(TimeOnly? from, TimeOnly? to, DateTime now)
    {
        if (from.HasValue != to.HasValue || (from is { } f && f == to)) throw new ArgumentException("A posting window needs a start and a different end.");
        WindowFrom = from;
        WindowTo = to;
        UpdatedAt = now;
    }

    public void SetAiLabelDefault(bool label, DateTime now)
    {
        AiLabelDefault = label;
        UpdatedAt = now;
    }

    public void SetSandboxTokenExpiry(DateTime? expiresAt, DateTime now)
    {
        SandboxTokenExpiresAt = expiresAt;
        UpdatedAt = now;
    }

    public void SetSandboxFault(SandboxFault fault, DateTime now)
    {
        SandboxFault = fault;
        UpdatedAt = now;
    }

    private void SetStatus(PersonaStatus status, string? reason, DateTime now)
    {
        Status = status;
        StatusReason = reason;
        StatusChangedAt = now;
        UpdatedAt = now;
    }
}

/// <summary>Faults the Sandbox Graph API can play for one account, each with Meta's real error body.</summary>
public enum SandboxFault
{
    None,
    TokenExpired,
    Throttled,
    ServerErrors,
    Restricted,
    Slow,
    CorruptImage,
    QuotaReached,
    LostPublishAnswer,
    /// <summary>media_publish answers 4/2207051 (suspected spam) and publishes nothing.</summary>
    Spam,
    /// <summary>media_publish publishes, then answers 4/2207051: the post is live although Meta said no.</summary>
    SpamAfterPublish,
    /// <summary>Every container ends in ERROR (its status text: <c>SandboxGraphState.ContainerErrorStatus</c>).</summary>
    ContainerError,
    /// <summary>An account under 100 followers: its media's insights answer "(#10) Not enough viewers", and it has no online_followers.</summary>
    SmallAudience,
    /// <summary>The token lacks <c>instagram_manage_insights</c>: every insights read answers (#10) "Application does not have permission"; publishing works.</summary>
    NoInsightsPermission,
    /// <summary>The token lacks <c>instagram_manage_comments</c>: a first comment answers (#10) "Application does not have permission"; publishing works.</summary>
    NoCommentPermission,
    /// <summary>A first comment is made, but its answer never reaches the caller (the connection drops).</summary>
    LostCommentAnswer,
}
