using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PostingConsole.Data;

/// <summary>
/// SQLite has one writer at a time; a writer that finds the lock taken falls into SQLite's busy handler,
/// which sleeps in growing steps (1, 2, 5, 10 … ms). With ten publishers saving at once that sleeping is
/// most of the engine's overhead. This gate queues the process's own SaveChanges calls (asynchronously,
/// FIFO) so they meet the lock free; other processes still wait through the busy timeout.
/// </summary>
public sealed class SqliteWriteGate : SaveChangesInterceptor
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ConditionalWeakTable<DbContext, object> holders = new();
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
        public void Dispose() => gate.Release();
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
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

        Hold(eventData.Context);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
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

        Hold(eventData.Context);
        return result;
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
