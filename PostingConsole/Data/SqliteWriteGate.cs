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

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        gate.Wait();
        Hold(eventData.Context);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
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
