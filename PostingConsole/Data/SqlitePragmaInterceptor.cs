using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PostingConsole.Data;

/// <summary>
/// Sets the per-connection SQLite pragmas: a busy timeout, so a writer waits for another instead of failing,
/// and foreign keys. WAL is a property of the file and is set once by <see cref="DatabaseMigrator"/>.
/// </summary>
public sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    public const int BusyTimeoutMs = 10_000;
    private const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
