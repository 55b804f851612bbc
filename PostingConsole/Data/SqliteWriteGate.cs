using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PostingConsole.Data;

/// <summary>
/// SQLite has one writer at a time; a writer that finds the lock taken falls into SQLite's busy handler,
/// which sleeps in growing steps (1, 2, 5, 10 … ms). With ten publishers writing at once that sleeping is
/// most of the engine's overhead. This gate queues the process's own writes (asynchronously, FIFO) so they
/// meet the lock free: every SaveChanges, and every write statement run on its own (ExecuteUpdate,
/// ExecuteDelete: the claim, the lease renewal). Other processes still wait through the busy timeout, and so
/// do writes inside an explicit transaction (it holds SQLite's lock between its saves: gating them could
/// leave a gated writer waiting on that lock while the transaction waits on the gate).
/// </summary>
public sealed class SqliteWriteGate : SaveChangesInterceptor, IDbCommandInterceptor, IDisposable
{
    public void Dispose() => gate.Dispose();

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ConditionalWeakTable<DbContext, object> holders = new();
    private readonly ConditionalWeakTable<DbCommand, object> commandHolders = new();
    private int waiting;

    /// <summary>Saves waiting for the gate right now (a test uses it to know a save has read and is about to write).</summary>
    internal int Waiting => Volatile.Read(ref waiting);

    /// <summary>Holds every save of this process until the result is disposed (a test's way to order a race).</summary>
    internal async Task<IDisposable> HoldAsync()
    {
        await gate.WaitAsync();
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) gate.Release();
        }
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (InTransaction(eventData.Context)) return result;
        DetectChangesBeforeHolding(eventData.Context);
        Enter();

        Hold(eventData.Context);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (InTransaction(eventData.Context)) return result;
        DetectChangesBeforeHolding(eventData.Context);
        await EnterAsync(cancellationToken);
        Hold(eventData.Context);
        return result;
    }

    private void Enter()
    {
        Interlocked.Increment(ref waiting);
        try
        {
            gate.Wait();
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref waiting);
        try
        {
            await gate.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    /// <summary>
    /// EF detects changes after this interceptor and outside the try that reports a failed save: an exception there would
    /// leave the gate held. Detected here first, before the gate is taken, EF's own pass finds nothing left to do.
    /// </summary>
    private static void DetectChangesBeforeHolding(DbContext? context) => context?.ChangeTracker.DetectChanges();

    private static bool InTransaction(DbContext? context) => context?.Database.CurrentTransaction is not null;

    /// <summary>A write statement run on its own (autocommit), not one of a SaveChanges already holding the gate.</summary>
    private bool IsLoneWrite(DbCommand command, DbContext? context)
    {
        if (command.Transaction is not null || InTransaction(context)) return false;
        if (context is not null && holders.TryGetValue(context, out _)) return false;
        var text = command.CommandText.AsSpan().TrimStart();
        return text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
               || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)
               || text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase);
    }

    InterceptionResult<int> IDbCommandInterceptor.NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (!IsLoneWrite(command, eventData.Context)) return result;
        Enter();

        commandHolders.AddOrUpdate(command, this);
        return result;
    }

    async ValueTask<InterceptionResult<int>> IDbCommandInterceptor.NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken)
    {
        if (!IsLoneWrite(command, eventData.Context)) return result;
        await EnterAsync(cancellationToken);
        commandHolders.AddOrUpdate(command, this);
        return result;
    }

    int IDbCommandInterceptor.NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Release(command);
        return result;
    }

    ValueTask<int> IDbCommandInterceptor.NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken)
    {
        Release(command);
        return ValueTask.FromResult(result);
    }

    void IDbCommandInterceptor.CommandFailed(DbCommand command, CommandErrorEventData eventData) => Release(command);

    Task IDbCommandInterceptor.CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken)
    {
        Release(command);
        return Task.CompletedTask;
    }

    void IDbCommandInterceptor.CommandCanceled(DbCommand command, CommandEndEventData eventData) => Release(command);

    Task IDbCommandInterceptor.CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken)
    {
        Release(command);
        return Task.CompletedTask;
    }

    private void Release(DbCommand command)
    {
        if (commandHolders.Remove(command)) gate.Release();
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Release(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Release(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    // EF reports an optimistic-concurrency failure here instead of SaveChangesFailed: the gate is released either way.
    public override InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
    {
        Release(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(ConcurrencyExceptionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Release(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    private void Hold(DbContext? context)
    {
        if (context is not null) holders.AddOrUpdate(context, this);
    }

    private void Release(DbContext? context)
    {
        if (context is not null && holders.Remove(context)) gate.Release();
    }
}
