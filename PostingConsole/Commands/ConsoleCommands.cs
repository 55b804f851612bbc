using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Extensions;

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

    private static int Help()
    {
        Console.WriteLine("""
            PostingConsole [--Key=value ...]       start the console (configuration keys as in appsettings.json)
            PostingConsole backup [file]           online backup of the database while the console runs
                                                   (default file: <DataFolder>/backups/posting-<UTC time>.db)
            """);
        return 0;
    }
}
