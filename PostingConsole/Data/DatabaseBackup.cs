using Microsoft.Data.Sqlite;

namespace PostingConsole.Data;

public sealed record BackupResult(string File, long Bytes, int Posts, int Personas);

/// <summary>
/// An online backup of the SQLite database: <c>VACUUM INTO</c> writes one consistent snapshot (a single read
/// transaction) while the console keeps publishing, which a file copy of a live WAL database does not give.
/// The copy is checked (<c>PRAGMA integrity_check</c>) before it is reported.
/// </summary>
public static class DatabaseBackup
{
    public static async Task<BackupResult> CreateAsync(string connectionString, string targetFile, CancellationToken cancellationToken)
    {
        targetFile = Path.GetFullPath(targetFile);
        if (File.Exists(targetFile)) throw new IOException($"The backup file {targetFile} exists already; choose a new name.");
        Directory.CreateDirectory(Path.GetDirectoryName(targetFile)!);

        var source = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        if (!File.Exists(source.DataSource)) throw new FileNotFoundException($"There is no database at {source.DataSource}.", source.DataSource);
        var partial = targetFile + ".partial";
        File.Delete(partial);
        await using (var connection = new SqliteConnection(source.ToString()))
        {
            await connection.OpenAsync(cancellationToken);
            await Execute(connection, $"PRAGMA busy_timeout = {SqlitePragmaInterceptor.BusyTimeoutMs};", cancellationToken);
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $target;";
            vacuum.Parameters.AddWithValue("$target", partial);
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }

        var check = new SqliteConnectionStringBuilder { DataSource = partial, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        int posts, personas;
        await using (var copy = new SqliteConnection(check))
        {
            await copy.OpenAsync(cancellationToken);
            var integrity = await Scalar<string>(copy, "PRAGMA integrity_check;", cancellationToken);
            if (integrity != "ok") throw new InvalidDataException($"The backup failed its integrity check: {integrity}");
            posts = (int)await Scalar<long>(copy, "SELECT COUNT(*) FROM Posts;", cancellationToken);
            personas = (int)await Scalar<long>(copy, "SELECT COUNT(*) FROM Personas;", cancellationToken);
        }

        File.Move(partial, targetFile);
        return new BackupResult(targetFile, new FileInfo(targetFile).Length, posts, personas);
    }

    private static async Task Execute(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> Scalar<T>(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
