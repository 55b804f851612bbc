using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Extensions;
using PostingConsole.Security;
using PostingConsole.Operations;
using PostingConsole.Domain;

namespace PostingConsole.Commands;

/// <summary>
/// Operator commands of the same binary, e.g. <c>PostingConsole backup [file]</c>. They read the same
/// configuration as the console (its appsettings.json, environment variables, <c>--Key=value</c>) and exit.
/// </summary>
public static class ConsoleCommands
{
    /// <summary>Runs the command named by the first argument; null when the arguments start the console.</summary>
    public static async Task<int?> TryRunAsync(string[] args)
    {
        if (args.Length == 0) return null;
        return args[0] switch
        {
            "backup" => await BackupAsync(args[1..]),
            "create-admin" => await CreateAdminAsync(args[1..]),
            "migrate-to-postgres" => await MigrateToPostgresAsync(args[1..]),
            "help" or "--help" or "-h" => Help(),
            _ => null,
        };
    }

    private static async Task<int> BackupAsync(string[] args)
    {
        var target = args.FirstOrDefault(a => !a.StartsWith('-'));
        var settings = args.Where(a => a != target).ToArray();
        var builder = ConsoleHost.CreateBuilder(settings);
        builder.AddOperatorConfigFile();
        var paths = new AppPaths(builder.Configuration);
        if (paths.DatabaseProvider == DatabaseProvider.Postgres)
        {
            Console.Error.WriteLine("The database is PostgreSQL: back it up with pg_dump (see docs/operations.md, Backups on PostgreSQL), not with this command.");
            return 2;
        }

        target ??= Path.Combine(paths.BackupsFolder, $"posting-{DateTime.UtcNow:yyyyMMdd-HHmmss}.db");
        try
        {
            var result = await DatabaseBackup.CreateAsync(paths.DatabaseConnectionString, target, CancellationToken.None);
            Console.WriteLine($"Backup written: {result.File} ({result.Bytes:N0} bytes, {result.Posts} posts, {result.Personas} personas; integrity ok)");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine($"Backup failed: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Moves the console's SQLite database (as configured: <c>ConnectionStrings:Posting</c> or the data folder's file) and its key
    /// ring into an empty PostgreSQL database named by the first argument (an Npgsql connection string). Stop the console first.
    /// </summary>
    private static async Task<int> MigrateToPostgresAsync(string[] args)
    {
        // The connection string (with its password) from standard input keeps it out of the process list and shell history.
        var argument = args.FirstOrDefault(a => !a.StartsWith('-'));
        var target = argument ?? (Console.IsInputRedirected ? (await Console.In.ReadLineAsync())?.Trim() : null);
        if (string.IsNullOrWhiteSpace(target))
        {
            Console.Error.WriteLine("Usage: PostingConsole migrate-to-postgres < file-with-the-connection-string   " +
                                    "(or: PostingConsole migrate-to-postgres \"Host=...;Database=...;Username=...;Password=...\")");
            return 2;
        }

        var builder = ConsoleHost.CreateBuilder(args.Where(a => a != argument).ToArray());
        builder.AddOperatorConfigFile();
        var paths = new AppPaths(builder.Configuration);
        if (paths.DatabaseProvider != DatabaseProvider.Sqlite)
        {
            Console.Error.WriteLine("This console is configured for PostgreSQL already (Database:Provider); the command moves a SQLite database.");
            return 2;
        }

        try
        {
            var result = await SqliteToPostgres.CopyAsync(paths.DatabaseConnectionString, paths.KeysFolder, target, CancellationToken.None);
            var pg = new Npgsql.NpgsqlConnectionStringBuilder(target);
            Console.WriteLine($"Moved {paths.DatabaseFile} to PostgreSQL {pg.Host}:{pg.Port}/{pg.Database}: " +
                              string.Join(", ", result.Rows.Where(r => r.Value > 0).Select(r => $"{r.Key} {r.Value:N0}")) + $"; {result.Keys} key(s).");
            Console.WriteLine("Next: set Database:Provider=Postgres and ConnectionStrings:Posting to that database, and start the console.");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException or Microsoft.EntityFrameworkCore.DbUpdateException or ArgumentException)
        {
            Console.Error.WriteLine($"Not moved (no console data was written to PostgreSQL): {(ex.InnerException ?? ex).Message}");
            return 1;
        }
    }

    /// <summary>
    /// The first admin (or another one). The password is read from standard input when it is redirected
    /// (<c>echo "$PASSWORD" | PostingConsole create-admin ops</c>), otherwise generated and shown once.
    /// </summary>
    private static async Task<int> CreateAdminAsync(string[] args)
    {
        var userName = args.FirstOrDefault(a => !a.StartsWith('-'));
        if (string.IsNullOrWhiteSpace(userName))
        {
            Console.Error.WriteLine("Usage: PostingConsole create-admin <user name>   (password from standard input, or generated)");
            return 2;
        }

        var builder = ConsoleHost.CreateBuilder(args.Where(a => a != userName).ToArray());
        builder.AddPostingConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var app = builder.Build();
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        var accounts = app.Services.GetRequiredService<UserAccounts>();
        await accounts.EnsureRolesAsync();

        var generated = Console.IsInputRedirected ? null : UserAccounts.GeneratePassword();
        var password = generated ?? (await Console.In.ReadLineAsync())?.Trim();
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("No password on standard input.");
            return 2;
        }

        var result = await accounts.CreateAsync(UserAccounts.CommandLine, userName, password, Roles.Admin, CancellationToken.None);
        if (!result.Succeeded)
        {
            Console.Error.WriteLine($"The admin was not created: {result.Error}");
            return 1;
        }

        Console.WriteLine($"Admin '{result.Value!.UserName}' created.");
        if (generated is not null) Console.WriteLine($"Password (shown once; change it on the console: click your name, top right): {generated}");
        return 0;
    }

    private static int Help()
    {
        Console.WriteLine("""
            PostingConsole [--Key=value ...]       start the console (configuration keys as in appsettings.json)
            PostingConsole create-admin <user>     create an Admin (password from standard input, or generated and shown once)
            PostingConsole backup [file]           online backup of the SQLite database while the console runs
                                                   (default file: <DataFolder>/backups/posting-<UTC time>.db; PostgreSQL: pg_dump)
            PostingConsole migrate-to-postgres "<Npgsql connection string>"
                                                   move the SQLite database and its key ring into an empty PostgreSQL
                                                   database (stop the console first)
            """);
        return 0;
    }
}
