using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Worker;

public sealed record AccountCheckResult(int Checked, int NeedsReauth, int Suspended, int Unanswered);

/// <summary>
/// Meta does not warn before a token dies (docs/instagram.md#account-check: "check each account daily"). Every active account is
/// checked with the call the publisher makes first, <c>content_publishing_limit</c>. A dead token or a missing
/// permission gets the same treatment as when a post meets it (<see cref="PersonaIncidents"/>: status, held posts,
/// one alert), but hours before its next post is due. (A restricted account is refused publishing, not this read, so
/// that is still found by the first publish.) The quota shown on the personas board is refreshed too, and with insights on the
/// same call reads the account's <c>online_followers</c> (field expansion).
/// </summary>
public sealed class AccountCheck(
    IDbContextFactory<PostingDbContext> contextFactory, GraphClient graph, GraphCallBudget budget, TokenProtector tokens, EventHub hub, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Configuration.PostingOptions> options, ThrottleCircuits circuits, DatabaseLocks locks,
    Microsoft.Extensions.Options.IOptions<Configuration.InsightsOptions> insights, ILogger<AccountCheck> logger)
{
    /// <summary>Accounts checked at once.</summary>
    private const int CheckParallelism = 4;

    /// <summary>A daily run this soon after the last one (by any console process on the database) is skipped.</summary>
    private static readonly TimeSpan DailyGap = TimeSpan.FromHours(20);

    /// <summary>
    /// The daily run: once a day across every console process on the database, whichever starts first (the others find it
    /// running, or done less than <see cref="DailyGap"/> ago). Null when skipped.
    /// </summary>
    public async Task<AccountCheckResult?> RunDailyAsync(CancellationToken cancellationToken)
    {
        AccountCheckResult? result = null;
        await locks.TryRunExclusiveAsync(DatabaseLocks.Key.AccountCheck, async ct =>
        {
            await using var db = await contextFactory.CreateDbContextAsync(ct);
            var now = time.GetUtcNow().UtcDateTime;
            var last = await db.DispatcherState.Where(s => s.Id == 1).Select(s => s.AccountsCheckedAt).FirstOrDefaultAsync(ct);
            // Either way round: another machine's clock a little ahead must not make a second run.
            if (last is { } at && (now - at).Duration() < DailyGap) return;
            result = await RunAsync(ct);
            await db.DispatcherState.Where(s => s.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(x => x.AccountsCheckedAt, now), ct);
        }, cancellationToken);
        return result;
    }

    /// <param name="requestedBy">An Admin who started the check by hand (audited); null for the daily run.</param>
    public async Task<AccountCheckResult> RunAsync(CancellationToken cancellationToken, Actor? requestedBy = null)
    {
        if (requestedBy is not null && !requestedBy.Can(Permission.Administer))
            throw new UnauthorizedAccessException($"{requestedBy.Name} may not run the account check.");
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await circuits.RefreshAsync(db, cancellationToken); // no call into a block stored by any process
        var personaIds = await db.Personas.Where(p => p.Status == PersonaStatus.Active).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(cancellationToken);
        int reauth = 0, suspended = 0, unanswered = 0;
        // A few accounts at a time: 100 accounts at Meta's usual answer time take seconds, not a minute, and the check
        // never takes more than a few places of the Graph call budget it shares with the queue's runs.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(CheckParallelism, options.Value.MaxConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(personaIds, parallel, async (personaId, ct) =>
        {
            await using var personaDb = await contextFactory.CreateDbContextAsync(ct);
            Outcome outcome;
            try
            {
                outcome = await CheckAsync(personaDb, personaId, daily: requestedBy is null, ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // The dispatcher claimed one of the persona's posts while they were being held: read again and decide again.
                personaDb.ChangeTracker.Clear();
                outcome = await CheckAsync(personaDb, personaId, daily: requestedBy is null, ct);
            }

            switch (outcome)
            {
                case Outcome.NeedsReauth: Interlocked.Increment(ref reauth); break;
                case Outcome.Suspended: Interlocked.Increment(ref suspended); break;
                case Outcome.Unanswered: Interlocked.Increment(ref unanswered); break;
            }
        });

        var result = new AccountCheckResult(personaIds.Count, reauth, suspended, unanswered);
        var summary = new Journal(db, hub, time);
        summary.Log(reauth + suspended > 0 ? ActivityLevel.Warning : ActivityLevel.Info,
            Notice.AccountsChecked(result.Checked, reauth, suspended, unanswered));
        if (requestedBy is not null) summary.Audit(requestedBy, AuditActions.PersonaCheck, "personas", $"{result}");
        await summary.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>The account's quota (and, with insights on, its audience) was read within the last 20 hours.</summary>
    private bool ReadRecently(Persona persona, DateTime now) =>
        persona.QuotaCheckedAt > now - TimeSpan.FromHours(20) && (!insights.Value.Enabled || persona.OnlineFollowersReadAt > now - TimeSpan.FromHours(20));

    private enum Outcome
    {
        Usable,
        NeedsReauth,
        Suspended,
        Unanswered,
    }

    private async Task<Outcome> CheckAsync(PostingDbContext db, int personaId, bool daily, CancellationToken cancellationToken)
    {
        var persona = await db.Personas.SingleAsync(p => p.Id == personaId, cancellationToken);
        if (persona.Status != PersonaStatus.Active) return Outcome.Usable;
        // The daily run: read today already (the insights reader's read of the account carries the same quota and audience), no second call.
        if (daily && ReadRecently(persona, time.GetUtcNow().UtcDateTime)) return Outcome.Usable;
        var journal = new Journal(db, hub, time);
        if (circuits.BlockedUntil(persona.Id, journal.Now) is not null) return Outcome.Unanswered; // no call into a throttle block
        var outcome = Outcome.Usable;
        // A place in MaxConcurrency beside the queue's runs.
        // With insights on, the same call brings the account's online_followers (docs/insights.md#calls): one call a day for both.
        var audience = insights.Value.Enabled;
        var limit = await budget.CallAsync(() => graph.GetAccountAsync(persona.IgUserId, tokens.Unprotect(persona.ProtectedToken), audience, cancellationToken), cancellationToken);
        if (audience && !limit.Succeeded && limit.Error.Code == 10)
        {
            // The insights permission missing (or too small an audience) is not the account's trouble: its quota alone.
            logger.AccountCheckNoAnswer(persona.Id, $"online_followers not read: {limit.Error}");
            persona.RecordOnlineFollowersAsked(journal.Now);
            limit = await budget.CallAsync(() => graph.GetAccountAsync(persona.IgUserId, tokens.Unprotect(persona.ProtectedToken), false, cancellationToken), cancellationToken);
        }

        if (limit.Succeeded)
        {
            persona.RecordQuota(limit.Value.Limit.QuotaUsage, limit.Value.Limit.Config.QuotaTotal, journal.Now);
            if (limit.Value.Audience is { } days)
            {
                persona.RecordOnlineFollowers(AudienceCurve.ToLocalHours(days, TimeZoneInfo.FindSystemTimeZoneById(insights.Value.OnlineFollowersTimeZone),
                    TimeZoneInfo.FindSystemTimeZoneById(persona.TimeZone)), journal.Now);
            }

            await circuits.SucceededAsync(persona, limit.Usage, cancellationToken);
        }
        else
        {
            var detail = limit.Error.ToString();
            var decision = PostingRules.Decide(limit.Error, limit.Usage, new RuleFacts(OnAccount: true), options.Value, journal.Now);
            if (await PersonaIncidents.TryHandleAsync(db, journal, persona, decision, detail, null, cancellationToken))
            {
                persona.RecordError(detail, journal.Now);
                outcome = persona.Status == PersonaStatus.NeedsReauth ? Outcome.NeedsReauth : Outcome.Suspended;
            }
            else
            {
                await circuits.OpenAsync(decision, persona, cancellationToken);

                outcome = Outcome.Unanswered; // throttled or server trouble: nothing is concluded, tomorrow's check tries again
                logger.AccountCheckNoAnswer(persona.Id, detail);
            }
        }

        journal.PersonaChanged(persona);
        await journal.CommitAsync(cancellationToken);
        return outcome;
    }
}

/// <summary>Coravel's daily run of <see cref="AccountCheck"/> (on its own worker, so the minute tick is never held up).</summary>
public sealed class CheckAccounts(AccountCheck check) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => check.RunDailyAsync(CancellationToken);
}
