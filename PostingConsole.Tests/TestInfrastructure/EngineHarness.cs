using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Sandbox;
using PostingConsole.Worker;

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>
/// The whole console listening on a loopback port, so its Sandbox Graph API is a real HTTP Graph server
/// the real client talks to. Dispatch is driven by the test (no background loop); business time is a
/// <see cref="FakeTimeProvider"/> the test moves.
/// </summary>
public sealed class EngineHarness : ConsoleAppFactory
{
    private readonly bool realTime;
    private readonly ILoggerProvider? logs;
    private readonly TimeProvider? clock;

    private EngineHarness(IDictionary<string, string?> settings, bool realTime, string environment, ILoggerProvider? logs, TimeProvider? clock)
        : base(settings, environment)
    {
        this.realTime = realTime;
        this.logs = logs;
        this.clock = clock;
    }

    /// <summary>Business time, from now on a whole second: timestamps read back from PostgreSQL (microseconds) equal those written.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <param name="overrides">Settings on top of the harness defaults.</param>
    /// <param name="realTime">Keep the system clock (benchmarks); otherwise business time is <see cref="Time"/>.</param>
    /// <param name="environment">"Development" serves blazor.web.js and the css (browser tests).</param>
    /// <param name="logs">When given, the only log provider (everything the app logs goes there, nothing to the console).</param>
    /// <param name="clock">When given, both business time and the waits for Meta (<see cref="PostingConsole.Publishing.GraphClock"/>) run on it.</param>
    public static EngineHarness Start(IDictionary<string, string?>? overrides = null, bool realTime = false, string environment = "Testing",
        ILoggerProvider? logs = null, TimeProvider? clock = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Posting:AutoDispatch"] = "false",
            ["Graph:ContainerPollInterval"] = "00:00:00.020",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;

        var harness = new EngineHarness(settings, realTime, environment, logs, clock);
        harness.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        harness.StartServer();
        harness.Sandbox.ContainerProcessing = TimeSpan.Zero;
        harness.Sandbox.SlowContainerProcessing = TimeSpan.FromMilliseconds(60);
        harness.GetService<DemoSeeder>().EnsureDemoMediaAsync(CancellationToken.None).GetAwaiter().GetResult();
        return harness;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (clock is not null)
        {
            builder.ConfigureServices(services =>
            {
                services.AddSingleton(clock);
                services.AddSingleton(new PostingConsole.Publishing.GraphClock(clock));
            });
        }
        else if (!realTime)
        {
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Time));
        }
        if (logs is not null)
        {
            builder.ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(logs);
            });
        }
    }

    public Dispatcher Dispatcher => GetService<Dispatcher>();

    /// <summary>Another dispatcher on the same database, as a second console process would have.</summary>
    public Dispatcher CreateDispatcher() => ActivatorUtilities.CreateInstance<Dispatcher>(Services);

    /// <summary>
    /// A dispatcher writing through database connections of its own, as a second console process would: on SQLite its writes
    /// do not queue behind this process's <see cref="SqliteWriteGate"/> (SQLite's own lock still orders them); on PostgreSQL its
    /// contexts are its own (the dispatchers made here share one Npgsql pool of separate connections, as processes have separate ones).
    /// </summary>
    public Dispatcher CreateDispatcherOfAnotherProcess()
    {
        IDbContextFactory<PostingDbContext> contexts = PostgresDatabase is { } postgres
            ? new OtherProcessContexts(new DbContextOptionsBuilder<PostgresPostingDbContext>()
                .UseNpgsql(postgres + ";Application Name=other-process").Options)
            : new Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<PostingDbContext>(new DbContextOptionsBuilder<PostingDbContext>()
                .UseSqlite(GetService<PostingConsole.Configuration.AppPaths>().DatabaseConnectionString)
                .AddInterceptors(new SqlitePragmaInterceptor())
                .Options);
        return ActivatorUtilities.CreateInstance<Dispatcher>(Services, contexts);
    }

    private sealed class OtherProcessContexts(DbContextOptions<PostgresPostingDbContext> options) : IDbContextFactory<PostingDbContext>
    {
        public PostingDbContext CreateDbContext() => new PostgresPostingDbContext(options);
    }

    /// <summary>Containers are FINISHED as soon as they are made (the benchmark measures the console, not Meta's processing).</summary>
    public EngineHarness WithInstantContainers()
    {
        Sandbox.ContainerProcessing = TimeSpan.Zero;
        return this;
    }

    /// <summary>The loopback address the console listens on.</summary>
    public Uri BaseUrl => GetService<PostingConsole.Publishing.ConsoleAddress>().Loopback;

    public SandboxGraphState Sandbox => GetService<SandboxGraphState>();

    public EventHub Hub => GetService<EventHub>();

    public DateTime Now => GetService<TimeProvider>().GetUtcNow().UtcDateTime;

    /// <summary>One dispatch pass and everything it started, to the end.</summary>
    public async Task<int> RunOnceAsync(Dispatcher? dispatcher = null)
    {
        dispatcher ??= Dispatcher;
        var claimed = await dispatcher.TickAsync(CancellationToken.None);
        await dispatcher.WhenIdleAsync();
        return claimed;
    }

    public async Task<Persona> AddPersonaAsync(string name = "지수", SandboxFault fault = SandboxFault.None, string? timeZone = null)
    {
        var tokens = GetService<TokenProtector>();
        await using var db = CreateDbContext();
        var persona = Persona.Create(name, $"1784{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}", tokens.Protect("EAA-secret-" + Guid.NewGuid().ToString("N")), "abcd", timeZone, Now);
        persona.SetSandboxFault(fault, Now);
        db.Personas.Add(persona);
        await db.SaveChangesAsync();
        return persona;
    }

    public async Task<Post> AddPostAsync(Persona persona, DateTime? at = null, string? imageUrl = null, string? imagePath = "demo/demo-01.jpg", string? caption = null)
    {
        await using var db = CreateDbContext();
        var post = Post.Create(persona.Id, imageUrl, imagePath, caption ?? $"{persona.Name}의 하루 {Guid.NewGuid().ToString("N")[..6]}", ["데일리"], at ?? Now, null, Now);
        db.Posts.Add(post);
        await db.SaveChangesAsync();
        return post;
    }

    /// <summary>A post of any media type (<paramref name="content"/>), due at <paramref name="at"/> (default now).</summary>
    public async Task<Post> AddPostAsync(Persona persona, PostContent content, DateTime? at = null, string? caption = null)
    {
        await using var db = CreateDbContext();
        var post = Post.Create(persona.Id, content, caption ?? $"{persona.Name}의 {content.MediaType} {Guid.NewGuid().ToString("N")[..6]}", ["데일리"], at ?? Now, null, Now);
        db.Posts.Add(post);
        await db.SaveChangesAsync();
        return post;
    }

    /// <summary>A post of <paramref name="content"/> with its optional fields, AI label and first comment (as intake stores them).</summary>
    public async Task<Post> AddPostAsync(Persona persona, PostContent content, PostFields fields, bool aiGenerated = false, string? firstComment = null,
        DateTime? at = null)
    {
        await using var db = CreateDbContext();
        var post = Post.Create(persona.Id, content, $"{persona.Name}의 {content.MediaType} {Guid.NewGuid().ToString("N")[..6]}", ["데일리"], at ?? Now, null, Now);
        post.SetFields(aiGenerated, fields, firstComment ?? "", Now);
        db.Posts.Add(post);
        await db.SaveChangesAsync();
        return post;
    }

    public async Task<Post> ReadPostAsync(int id)
    {
        await using var db = CreateDbContext();
        return await db.Posts.Include(p => p.Attempts).SingleAsync(p => p.Id == id);
    }

    public async Task<Persona> ReadPersonaAsync(int id)
    {
        await using var db = CreateDbContext();
        return await db.Personas.SingleAsync(p => p.Id == id);
    }
}
