using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace PostingConsole.Data;

/// <summary>
/// What keeps several console processes on one PostgreSQL database in step (PostgreSQL advisory locks, held by a
/// transaction, released by its end or by the connection's: a killed process never leaves one behind). On SQLite these
/// cost nothing: the database has one writer at a time, so one conditional UPDATE with its sub-queries is atomic.
/// </summary>
public sealed class DatabaseLocks(IDbContextFactory<PostingDbContext> contextFactory)
{
    /// <summary>The advisory lock keys: one per thing that must happen on one process at a time.</summary>
    public enum Key : long
    {
        /// <summary>Claims: the budget (posts in flight) and one-per-persona rules are counted by the claiming statement.</summary>
        Claims = 8_008_001,
        WebhookOutbox = 8_008_002,
        AccountCheck = 8_008_003,
        Startup = 8_008_004,
        Readiness = 8_008_005,
        Insights = 8_008_006,
        AlertOutbox = 8_008_007,
    }

    /// <summary>
    /// On PostgreSQL, a transaction on <paramref name="db"/> holding the claims lock until it is committed or disposed: a claim
    /// made in it counts every claim committed before it (at READ COMMITTED each statement reads what was committed when it
    /// began, and the lock makes the claims take turns). Null on SQLite, where the claim statement alone is atomic.
    /// </summary>
    public static async Task<IDbContextTransaction?> HoldClaimsLockAsync(PostingDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql()) return null;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({(long)Key.Claims})", cancellationToken);
        return transaction;
    }

    /// <summary>
    /// Runs <paramref name="work"/> unless another console process on the database is running the same <paramref name="key"/>
    /// right now (then returns false at once). On SQLite (one process) it always runs.
    /// </summary>
    public Task<bool> TryRunExclusiveAsync(Key key, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        RunHoldingAsync(key, wait: false, work, cancellationToken);

    /// <summary>Runs <paramref name="work"/> when no other console process runs <paramref name="key"/> (waiting for it to finish).</summary>
    public Task RunExclusiveAsync(Key key, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        RunHoldingAsync(key, wait: true, work, cancellationToken);

    /// <remarks>
    /// A session lock on a connection held open, not a transaction left idle: <c>idle_in_transaction_session_timeout</c> cannot
    /// cut it short while the work runs (a webhook pass, the account check). It ends with the unlock, or with the connection
    /// (a process that dies, or the reset of a connection returned to the pool).
    /// </remarks>
    private async Task<bool> RunHoldingAsync(Key key, bool wait, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsNpgsql())
        {
            await work(cancellationToken);
            return true;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (wait)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({(long)key})", cancellationToken);
            }
            else if (!await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({(long)key}) AS \"Value\"").SingleAsync(cancellationToken))
            {
                return false;
            }

            try
            {
                await work(cancellationToken);
                return true;
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({(long)key})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
