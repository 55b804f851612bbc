namespace PostingConsole.Configuration;

/// <summary>
/// Where the console keeps its files. Everything lives in one data folder: key <c>DataFolder</c>,
/// default <c>data</c> under the working directory. Relative paths are taken from the working directory,
/// the same folder the operator's <c>appsettings.json</c> is read from.
/// </summary>
public sealed class AppPaths
{
    public AppPaths(IConfiguration configuration)
    {
        var configured = configuration["DataFolder"];
        DataFolder = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured, Environment.CurrentDirectory);
        // Read at composition (the database and keys need it before the container is built), through the options class.
        var mediaRoot = configuration.GetSection(MediaOptions.Section).Get<MediaOptions>()?.LocalRoot;
        MediaRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(mediaRoot) ? Path.Combine(DataFolder, "media") : mediaRoot, Environment.CurrentDirectory);
        var connectionString = configuration.GetConnectionString("Posting");
        DatabaseProvider = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.Provider ?? DatabaseProvider.Sqlite;
        if (DatabaseProvider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Posting must be an Npgsql connection string (Host=...;Database=...;Username=...) when Database:Provider is Postgres.");
        }

        DatabaseConnectionString = string.IsNullOrWhiteSpace(connectionString) ? $"Data Source={DefaultDatabaseFile}" : connectionString!;
    }

    /// <summary><c>Database:Provider</c>: read here because the database is registered before the container is built.</summary>
    public DatabaseProvider DatabaseProvider { get; }

    public string DataFolder { get; }
    public string MediaRoot { get; }
    public string KeysFolder => Path.Combine(DataFolder, "keys");
    public string DefaultDatabaseFile => Path.Combine(DataFolder, "posting.db");
    public string BackupsFolder => Path.Combine(DataFolder, "backups");

    /// <summary><c>ConnectionStrings:Posting</c>, or the SQLite file <c>posting.db</c> in the data folder.</summary>
    public string DatabaseConnectionString { get; }

    /// <summary>The SQLite file the connection string names (its path only: safe to print, unlike the whole string).</summary>
    public string DatabaseFile =>
        Path.GetFullPath(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(DatabaseConnectionString).DataSource, Environment.CurrentDirectory);

    /// <summary>The database for the log: the SQLite file, or PostgreSQL's host, port and database (never the password).</summary>
    public string DatabaseDescription
    {
        get
        {
            if (DatabaseProvider == DatabaseProvider.Sqlite) return DatabaseFile;
            var pg = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseConnectionString);
            return $"PostgreSQL {pg.Host}:{pg.Port}/{pg.Database}";
        }
    }

    public void EnsureCreated()
    {
        Directory.CreateDirectory(DataFolder);
        Directory.CreateDirectory(MediaRoot);
        Directory.CreateDirectory(KeysFolder);
    }
}
