using Microsoft.EntityFrameworkCore;

namespace PostingConsole.Data;

/// <summary>Applies checked-in migrations and switches the file to WAL. Runs once, before the app serves anything.</summary>
public sealed partial class DatabaseMigrator(IDbContextFactory<PostingDbContext> contextFactory, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogApplying(logger, pending.Count, pending);
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Applying {Count} database migration(s): {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, IEnumerable<string> migrations);
}
