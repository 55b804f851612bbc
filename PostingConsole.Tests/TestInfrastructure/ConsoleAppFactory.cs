using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Data;

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>
/// The whole console in-process on its own temp data folder and real SQLite file, or its own PostgreSQL database (settings
/// <c>Database:Provider=Postgres</c>, or every factory when <see cref="PostgresServer.ForConsoleTests"/>). Demo seeding and the
/// background queue worker are off unless a test asks for them (an API test must not race a dispatcher
/// that claims the post it is editing; the in-memory TestServer has no address for Graph calls anyway);
/// every setting can be overridden per test.
/// </summary>
public class ConsoleAppFactory : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-api-key-0123456789";

    private readonly TempFolder dataFolder = new("pc-app");
    private readonly Dictionary<string, string?> settings;

    private readonly string environment;

    /// <param name="overrides">Settings on top of the test defaults.</param>
    /// <param name="environment">"Development" serves static web assets from the build (css/js), as the run command does.</param>
    public ConsoleAppFactory(IDictionary<string, string?>? overrides = null, string environment = "Testing")
    {
        this.environment = environment;
        settings = new Dictionary<string, string?>
        {
            ["DataFolder"] = dataFolder.Path,
            ["Api:Keys:0"] = ApiKey,
            ["Sandbox:SeedDemo"] = "false",
            ["Posting:AutoDispatch"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            // Every test app starts a host and makes its own key ring: keep CI output for what went wrong.
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
            // The app's content root is its own folder (here the test's bin, without wwwroot); the test host serves the
            // project's static web assets instead, so the missing folder is no news.
            ["Logging:LogLevel:Microsoft.AspNetCore.StaticFiles"] = "Error",
            // Test hosts listen on plain http on loopback: the HTTPS redirect has no port to send to, and says so on every request.
            ["Logging:LogLevel:Microsoft.AspNetCore.HttpsPolicy"] = "Error",
            // Tests provoke unique-key races on purpose; EF logs each losing INSERT as an error.
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "None",
        };
        if (PostgresServer.ForConsoleTests) settings["Database:Provider"] = "Postgres";
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        if (settings.GetValueOrDefault("Database:Provider") == "Postgres" && settings.GetValueOrDefault("ConnectionStrings:Posting") is null)
        {
            settings["ConnectionStrings:Posting"] = postgresDatabase = PostgresServer.CreateDatabase();
        }
    }

    private readonly string? postgresDatabase;

    /// <summary>The test's PostgreSQL database (its connection string), or null on SQLite.</summary>
    public string? PostgresDatabase => postgresDatabase;

    public string DataFolder => dataFolder.Path;

    public string DatabaseFile => Path.Combine(DataFolder, "posting.db");

    public string MediaRoot => Path.Combine(DataFolder, "media");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>An HttpClient with the API key set.</summary>
    public HttpClient CreateApiClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public PostingDbContext CreateDbContext() =>
        Services.GetRequiredService<IDbContextFactory<PostingDbContext>>().CreateDbContext();

    public T GetService<T>() where T : notnull => Services.GetRequiredService<T>();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (postgresDatabase is not null) await PostgresServer.DropDatabaseAsync(postgresDatabase);
        dataFolder.Dispose();
        GC.SuppressFinalize(this);
    }
}
