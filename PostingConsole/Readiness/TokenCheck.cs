using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Readiness;

/// <summary>
/// Reads each active persona's token with Meta's <c>debug_token</c> once a day (docs/readiness.md#tokens): its expiry, its data
/// access's expiry and its permissions. A dead token or a missing <c>instagram_content_publish</c> is handled as when a post
/// meets it (<see cref="PersonaIncidents"/>: NeedsReauth, posts held, one alert), hours ahead; a token that expires within
/// <c>Readiness:TokenExpiryWarning</c> raises one alert and one <c>persona.token_expiring</c> event per expiry date. Each call
/// takes a free place in the Graph call budget only (never one a due post waits for), and none goes to an account behind a
/// throttle circuit. A call is made at most once a day per persona, answered or not (<see cref="Persona.TokenCheckedAt"/> is
/// when it was last asked, stored, so every console process on the database sees it); a new token is asked about at once.
/// An answer about a token the operator replaced while it was asked is dropped.
/// </summary>
public sealed class TokenCheck(
    IDbContextFactory<PostingDbContext> contextFactory, GraphClient graph, GraphCallBudget budget, TokenProtector tokens, ThrottleCircuits circuits,
    EventHub hub, TimeProvider time, IOptions<ReadinessOptions> readiness, IOptions<PostingOptions> posting, ILogger<TokenCheck> logger)
{
    /// <summary>A token read this recently is not read again (unless it was replaced since).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <summary>Personas read per pass, so a fleet's first day is spread over a few minutes.</summary>
    private const int PerPass = 10;

    /// <summary>Reads the tokens due for a read; returns how many calls were made.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await circuits.RefreshAsync(db, cancellationToken);
        var dayAgo = now - Interval;
        var due = await db.Personas
            .Where(p => p.Status == PersonaStatus.Active && (p.TokenCheckedAt == null || p.TokenCheckedAt < dayAgo || p.TokenCheckedAt < p.TokenReplacedAt))
            .OrderBy(p => p.TokenCheckedAt != null).ThenBy(p => p.TokenCheckedAt).ThenBy(p => p.Id).Select(p => p.Id).ToListAsync(cancellationToken);
        var calls = 0;
        // No call into a throttle block (those personas wait without taking this pass's places).
        foreach (var personaId in due.Where(id => circuits.BlockedUntil(id, now) is null).Take(PerPass))
        {
            try
            {
                if (!await CheckAsync(db, personaId, now, cancellationToken)) break;
                calls++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One persona's trouble (its database row, say) is logged; the pass and the other personas go on.
                logger.TokenCheckFailed(personaId, ex);
            }
        }

        return calls;
    }

    /// <summary>Asks about one persona's token and records the answer; false when the call budget has no free place now.</summary>
    private async Task<bool> CheckAsync(PostingDbContext db, int personaId, DateTime now, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var persona = await db.Personas.SingleAsync(p => p.Id == personaId, cancellationToken);
        var asked = persona.ProtectedToken;
        string token;
        try
        {
            token = tokens.Unprotect(asked);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // A token this console cannot read (another key ring): nothing to ask Meta about until it is replaced.
            logger.TokenCheckNoAnswer(persona.Id, "the stored token cannot be decrypted with this console's keys");
            persona.RecordTokenAsked(now);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }

        // Asked today, whatever comes of it (written before the call: a failure to record the answer asks again tomorrow).
        var slot = await budget.TryTakeAsync(cancellationToken);
        if (slot is null) return false; // the queue uses the whole budget: a later pass asks
        GraphResult<TokenInfo> read;
        try
        {
            await db.Personas.Where(p => p.Id == personaId).ExecuteUpdateAsync(s => s.SetProperty(p => p.TokenCheckedAt, now), cancellationToken);
            read = await graph.DebugTokenAsync(token, cancellationToken);
        }
        finally
        {
            await slot.DisposeAsync();
        }

        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            persona = await db.Personas.SingleAsync(p => p.Id == personaId, cancellationToken);
            if (persona.ProtectedToken != asked) break; // replaced meanwhile: the new token is asked about at the next pass
            var journal = new Journal(db, hub, time);
            try
            {
                await RecordAsync(db, journal, persona, asked, read, cancellationToken);
                journal.PersonaChanged(persona);
                await journal.CommitAsync(cancellationToken);
                break;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // A post of the persona was claimed while its posts were being held: the same answer is recorded again.
            }
        }

        return true;
    }

    private async Task RecordAsync(PostingDbContext db, Journal journal, Persona persona, string asked, GraphResult<TokenInfo> read, CancellationToken cancellationToken)
    {
        var now = journal.Now;
        if (!read.Succeeded)
        {
            var decision = PostingRules.Decide(read.Error, read.Usage, new RuleFacts(OnAccount: true), posting.Value, now);
            if (await PersonaIncidents.TryHandleAsync(db, journal, persona, decision, read.Error.ToString(), null, cancellationToken))
            {
                persona.RecordError(read.Error.ToString(), now);
                return;
            }

            await circuits.OpenAsync(decision, persona, cancellationToken);
            logger.TokenCheckNoAnswer(persona.Id, read.Error.ToString());
            return;
        }

        await circuits.SucceededAsync(persona, read.Usage, cancellationToken);
        var info = read.Value;
        persona.RecordToken(info.ExpiresAtUtc, info.DataAccessExpiresAtUtc, info.Scopes ?? [], now, asked);
        // Meta's own verdict on the token, decided as the same error met by a post would be.
        var refusal = !info.IsValid
            ? new GraphError(200, info.Error?.Code ?? 190, info.Error?.Subcode, info.Error?.Message ?? "debug_token: the token is not valid")
            : !info.CanPublish
                ? new GraphError(200, 10, null, $"debug_token: the token lacks {TokenInfo.PublishScope}")
                : null;
        if (refusal is not null)
        {
            var decision = PostingRules.Decide(refusal, GraphUsage.None, new RuleFacts(OnAccount: true), posting.Value, now);
            if (await PersonaIncidents.TryHandleAsync(db, journal, persona, decision, refusal.ToString(), null, cancellationToken))
                persona.RecordError(refusal.ToString(), now);
            return;
        }

        if (persona.TokenHorizon is { } horizon && horizon - now <= readiness.Value.TokenExpiryWarning && persona.TokenExpiryWarnedFor != horizon)
        {
            persona.MarkTokenExpiryWarned(horizon);
            if (await journal.RaiseAlertAsync(AlertKind.TokenExpiring, Journal.Incidents.TokenExpiring(persona.Id),
                    Notice.TokenExpiringAlert(persona.Name, horizon), persona.Id, null, cancellationToken))
            {
                journal.Webhook(WebhookTypes.PersonaTokenExpiring, new { personaId = persona.Id, expiresAt = horizon });
            }
        }
    }
}

internal static partial class TokenCheckLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "debug_token for persona {PersonaId} got no answer: {Detail}; asked again tomorrow")]
    public static partial void TokenCheckNoAnswer(this ILogger<TokenCheck> logger, int personaId, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "debug_token for persona {PersonaId} could not be recorded; asked again tomorrow")]
    public static partial void TokenCheckFailed(this ILogger<TokenCheck> logger, int personaId, Exception exception);
}
