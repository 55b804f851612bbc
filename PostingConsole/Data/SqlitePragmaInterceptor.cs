using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PostingConsole.Data;

/// <summary>
/// Sets the per-connection SQLite pragmas: a busy timeout, so a writer waits for another instead of failing,
/// foreign keys, and NORMAL sync (safe with WAL). Run once per physical connection: EF opens the pooled
/// connection for every query, and repeating them each time costs a round trip per operation.
/// WAL itself is a property of the file and is set once by <see cref="DatabaseMigrator"/>.
/// </summary>
public sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    public const int BusyTimeoutMs = 10_000;
    private const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";
    private static readonly ConditionalWeakTable<object, object> Prepared = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!NeedsPragmas(connection, out var handle)) return;
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        Prepared.AddOrUpdate(handle, handle);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!NeedsPragmas(connection, out var handle)) return;
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        Prepared.AddOrUpdate(handle, handle);
    }

    private static bool NeedsPragmas(DbConnection connection, out object handle)
    {
        handle = (connection as SqliteConnection)?.Handle as object ?? connection;
        return !Prepared.TryGetValue(handle, out _);
    }
}
