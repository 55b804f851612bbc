using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using PostingConsole.Components.Shared;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Notifications;
using PostingConsole.Operations;

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>
/// One MudBlazor-ready bUnit context for every component test: loose JS interop, MudBlazor services,
/// the console's real services over a real SQLite file, and a <see cref="FakeTimeProvider"/>.
/// Disposed asynchronously, as MudBlazor's services require.
/// </summary>
public abstract class ConsoleComponentTest : IAsyncLifetime
{
    private readonly TempFolder folder = new("pc-bunit");

    protected ConsoleComponentTest()
    {
        Context = new BunitContext();
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero));

        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataFolder"] = folder.Path }).Build();
        var paths = new AppPaths(config);
        paths.EnsureCreated();

        var services = Context.Services;
        services.AddMudServices();
        services.AddSingleton(paths);
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IOptions<ConsoleOptions>>(Options.Create(new ConsoleOptions()));
        services.AddDbContextFactory<PostingDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(folder.Path, "posting.db")}"));
        services.AddDataProtection();
        services.AddSingleton<TokenProtector>();
        services.AddSingleton<EventHub>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<MediaFiles>();
        services.AddSingleton<PostOperations>();
        services.AddSingleton<PersonaOperations>();
        services.AddSingleton<PostQueries>();
        services.AddSingleton<PersonaQueries>();
        services.AddSingleton<ConsoleClock>();
    }

    protected BunitContext Context { get; }

    protected FakeTimeProvider Time { get; }

    protected T Service<T>() where T : notnull => Context.Services.GetRequiredService<T>();

    protected PostingDbContext Db() => Service<IDbContextFactory<PostingDbContext>>().CreateDbContext();

    public virtual async Task InitializeAsync()
    {
        await using var db = Db();
        await db.Database.MigrateAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        SqliteConnection.ClearAllPools();
        folder.Dispose();
    }
}
