using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing;

/// <summary>
/// Meta's throttle circuits (docs/instagram.md#throttling: "stop calling when throttled: more calls lengthen the block"). Stored in the
/// database (<see cref="Persona.ThrottledUntil"/>, <see cref="DispatcherState.AppThrottledUntil"/>), so they hold across a
/// restart and across processes; this process keeps a copy, refreshed by every dispatch pass and updated at once when one
/// of its runs opens or closes a circuit, so a run checks before each call without a query. It also keeps the last usage
/// Meta reported, for the slow-down above 90 %.
/// </summary>
public sealed class ThrottleCircuits(IDbContextFactory<PostingDbContext> contextFactory, TimeProvider time)
{
    private readonly ConcurrentDictionary<int, DateTime> accounts = new();
    private readonly ConcurrentDictionary<int, int> accountUsage = new();
    private readonly ConcurrentDictionary<int, DateTime> lastAccountStart = new();
    private readonly Lock gate = new();
    private DateTime? appUntil;
    private int? appUsage;
    private DateTime appUsageAt;

    /// <summary>How long a usage figure counts when Meta sends no newer one.</summary>
    private static readonly TimeSpan UsageLifetime = TimeSpan.FromMinutes(5);
    private DateTime lastStart = DateTime.MinValue;

    /// <summary>The app circuit's reopening (past: half-open, one probe), or null when closed.</summary>
    public DateTime? AppUntil
    {
        get { lock (gate) return appUntil; }
    }

    /// <summary>When the account may be called again (app or account circuit), or null when it may be called now.</summary>
    public DateTime? BlockedUntil(int personaId, DateTime now)
    {
        DateTime? until = null;
        lock (gate)
        {
            if (appUntil > now) until = appUntil;
        }

        if (accounts.TryGetValue(personaId, out var account) && account > now && (until is null || account > until)) until = account;
        return until;
    }

    /// <summary>The open account circuits (reopening in the future), for the dispatcher and the personas board.</summary>
    public IReadOnlyDictionary<int, DateTime> OpenAccounts(DateTime now) => accounts.Where(a => a.Value > now).ToDictionary();

    private long refreshedAt = long.MinValue;

    /// <summary>How often a dispatch pass takes the stored state (circuits opened by other processes show within it).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    /// <summary>Takes the stored state, at most every <see cref="RefreshInterval"/> (this process's own changes are mirrored at once).</summary>
    public async Task RefreshAsync(PostingDbContext db, CancellationToken cancellationToken)
    {
        var stamp = time.GetTimestamp();
        if (refreshedAt != long.MinValue && time.GetElapsedTime(refreshedAt, stamp) < RefreshInterval && time.GetElapsedTime(refreshedAt, stamp) >= TimeSpan.Zero) return;
        refreshedAt = stamp;
        var app = await db.DispatcherState.Where(s => s.Id == 1).Select(s => s.AppThrottledUntil).FirstOrDefaultAsync(cancellationToken);
        var stored = await db.Personas.Where(p => p.ThrottledUntil != null).Select(p => new { p.Id, p.ThrottledUntil }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        lock (gate)
        {
            // Merged, not overwritten: a circuit this process opened after the read (still ahead) is kept; the later reopening wins.
            appUntil = app is null ? (appUntil > now ? appUntil : null) : (appUntil > app ? appUntil : app);
        }

        foreach (var (id, until) in accounts)
        {
            if (until <= now && stored.All(s => s.Id != id)) accounts.TryRemove(new KeyValuePair<int, DateTime>(id, until));
        }

        foreach (var s in stored) accounts.AddOrUpdate(s.Id, s.ThrottledUntil!.Value, (_, mine) => mine > s.ThrottledUntil!.Value ? mine : s.ThrottledUntil!.Value);
    }

    /// <summary>Opens the app circuit: stored at once (its own statement), so every process stops calling.</summary>
    public async Task OpenAppAsync(DateTime until, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (appUntil is null || until > appUntil) appUntil = until;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.DispatcherState.Where(s => s.Id == 1 && (s.AppThrottledUntil == null || s.AppThrottledUntil < until))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.AppThrottledUntil, until), cancellationToken);
    }

    /// <summary>
    /// Opens the circuit a decision names, if any: the app's is stored at once; the account's is set on the persona (saved
    /// with the caller's unit of work) and mirrored here. Returns the scope opened.
    /// </summary>
    public async Task<CircuitScope> OpenAsync(PostingDecision decision, Persona persona, CancellationToken cancellationToken)
    {
        switch (decision.Circuit)
        {
            case CircuitScope.Account:
                persona.OpenCircuit(decision.CircuitUntil!.Value, time.GetUtcNow().UtcDateTime);
                accounts[persona.Id] = decision.CircuitUntil.Value;
                break;
            case CircuitScope.App:
                await OpenAppAsync(decision.CircuitUntil!.Value, cancellationToken);
                break;
        }

        return decision.Circuit;
    }

    /// <summary>
    /// A call answered without throttling. Closes the account's circuit (the caller saves the persona) and, when the app
    /// circuit was half-open, the app's. Records the usage Meta reported.
    /// </summary>
    public async Task SucceededAsync(Persona persona, GraphUsage usage, CancellationToken cancellationToken)
    {
        RecordUsage(persona.Id, usage);
        var now = time.GetUtcNow().UtcDateTime;
        // Only a circuit whose reopening has come (half-open: this answer was its probe) closes; one opened a moment ago by
        // another run, reopening later, stays open.
        if (persona.ThrottledUntil <= now) persona.CloseCircuit(now);
        if (accounts.TryGetValue(persona.Id, out var until) && until <= now) accounts.TryRemove(new KeyValuePair<int, DateTime>(persona.Id, until));

        bool closeApp;
        lock (gate)
        {
            closeApp = appUntil <= now;
            if (closeApp) appUntil = null;
        }

        if (!closeApp) return;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.DispatcherState.Where(s => s.Id == 1 && s.AppThrottledUntil != null && s.AppThrottledUntil <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.AppThrottledUntil, (DateTime?)null), cancellationToken);
    }

    /// <summary>The usage of a clean answer; an answer without the account's header means its budget is not near.</summary>
    private void RecordUsage(int personaId, GraphUsage usage)
    {
        if (usage.AppCallCountPercent is { } app)
        {
            lock (gate)
            {
                appUsage = app;
                appUsageAt = time.GetUtcNow().UtcDateTime;
            }
        }
        if (usage.BusinessCallCountPercent is { } business) accountUsage[personaId] = business;
        else accountUsage.TryRemove(personaId, out _);
    }

    /// <summary>
    /// Whether a post of the persona may start now under Meta's usage (above 90 % of the app's or the account's budget
    /// posts are spaced out, <see cref="PostingRules.SpacingFor"/>); when it may, the start is counted.
    /// </summary>
    public bool TryStart(int personaId, DateTime now)
    {
        lock (gate)
        {
            var appSpacing = now - appUsageAt < UsageLifetime ? PostingRules.SpacingFor(appUsage) : TimeSpan.Zero;
            var accountSpacing = PostingRules.SpacingFor(accountUsage.TryGetValue(personaId, out var used) ? used : null);
            if (appSpacing > TimeSpan.Zero && now - lastStart < appSpacing) return false;
            if (accountSpacing > TimeSpan.Zero && lastAccountStart.TryGetValue(personaId, out var last) && now - last < accountSpacing) return false;
            lastStart = now;
            lastAccountStart[personaId] = now;
            return true;
        }
    }

    /// <summary>The next moment <see cref="TryStart"/> may say yes while the app is above 90 % (for the wake-up timer).</summary>
    public DateTime? NextStartAllowedAt()
    {
        lock (gate)
        {
            var spacing = time.GetUtcNow().UtcDateTime - appUsageAt < UsageLifetime ? PostingRules.SpacingFor(appUsage) : TimeSpan.Zero;
            return spacing > TimeSpan.Zero ? lastStart + spacing : null;
        }
    }
}
