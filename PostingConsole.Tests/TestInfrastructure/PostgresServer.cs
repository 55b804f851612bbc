using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PostingConsole.Data;

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster for the tests (Debian's <c>postgresql</c> package, which <c>scripts/test.sh</c> installs):
/// <c>initdb</c> in a temp folder, a free loopback port, no fsync; started on first use, stopped when the test process ends.
/// Each test gets a database of its own, copied from a template migrated once (a copy takes milliseconds, migrating seconds).
/// </summary>
public static class PostgresServer
{
    /// <summary><c>POSTING_TEST_DATABASE=Postgres</c>: the console tests run on PostgreSQL instead of SQLite (scripts/test.sh's second pass).</summary>
    public static bool ForConsoleTests { get; } =
        string.Equals(Environment.GetEnvironmentVariable("POSTING_TEST_DATABASE"), "Postgres", StringComparison.OrdinalIgnoreCase);

    private const string Template = "pc_template";
    private static readonly Lazy<Task<Cluster>> Server = new(StartAsync);

    /// <summary>A new, migrated, empty database; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var cluster = await Server.Value;
        var name = $"pc_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {Template}", connection);
        await command.ExecuteNonQueryAsync();
        return cluster.ConnectionString(name);
    }

    /// <summary>Same as <see cref="CreateDatabaseAsync"/>, for constructors.</summary>
    public static string CreateDatabase() => Task.Run(CreateDatabaseAsync).GetAwaiter().GetResult();

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/> (its connections are closed first).</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var cluster = await Server.Value;
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed record Cluster(string Folder, int Port, string Bin, bool AsPostgresUser)
    {
        public string ConnectionString(string database) =>
            $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=40;Timeout=30";
    }

    private static async Task<Cluster> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install -y postgresql; scripts/test.sh does it).");
        }

        RemoveStoppedClusters();
        // initdb refuses root: a root test run starts the cluster as the package's postgres user, on a folder it owns.
        var asPostgres = Environment.UserName == "root";
        var folder = Path.Combine(Path.GetTempPath(), $"pc-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        if (asPostgres) await RunAsync("chown", ["postgres", folder]);
        var port = FreePort();
        var cluster = new Cluster(folder, port, bin, asPostgres);
        var data = Path.Combine(folder, "data");
        await RunPgAsync(cluster, "initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
        await RunPgAsync(cluster, "pg_ctl", ["-D", data, "-l", Path.Combine(folder, "log"), "-w", "-t", "60",
            "-o", $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            "start"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(cluster);

        // The template: migrated once; every test database is a copy of it.
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Template}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var options = new DbContextOptionsBuilder<PostgresPostingDbContext>().UseNpgsql(cluster.ConnectionString(Template)).Options;
        await using (var db = new PostgresPostingDbContext(options))
        {
            await db.Database.MigrateAsync();
        }

        NpgsqlConnection.ClearAllPools(); // a template must have no open connection when it is copied
        return cluster;
    }

    /// <summary>Clusters of earlier test runs whose server is gone (a test process ends before its folder is removed).</summary>
    private static void RemoveStoppedClusters()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), "pc-pg-*"))
        {
            if (ServerAlive(Path.Combine(folder, "data", "postmaster.pid"))) continue; // another test process's
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Someone else's; left alone.
            }
        }
    }

    /// <summary>The server whose pid file this is still runs (a test process killed before its cluster stopped leaves it behind).</summary>
    private static bool ServerAlive(string pidFile)
    {
        if (!File.Exists(pidFile)) return false;
        try
        {
            var pid = int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName.StartsWith("postgres", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Stop(Cluster cluster)
    {
        try
        {
            RunPgAsync(cluster, "pg_ctl", ["-D", Path.Combine(cluster.Folder, "data"), "-m", "immediate", "-w", "stop"]).GetAwaiter().GetResult();
            Directory.Delete(cluster.Folder, recursive: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // The cluster is in the temp folder; nothing else depends on it.
        }
    }

    private static Task RunPgAsync(Cluster cluster, string tool, IReadOnlyList<string> arguments) =>
        cluster.AsPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(cluster.Bin, tool), .. arguments])
            : RunAsync(Path.Combine(cluster.Bin, tool), arguments);

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
