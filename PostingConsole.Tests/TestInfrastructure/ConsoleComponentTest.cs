using Bunit;
using Bunit.TestDoubles;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using PostingConsole.Components.Shared;
using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Data;
using PostingConsole.Notifications;
using PostingConsole.Operations;
using PostingConsole.Security;

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
        // bUnit's 1 s default is short for a 2-core machine that runs the browser tests and a single-file publish beside these.
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
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
        services.AddSingleton<DatabaseLocks>();
        services.AddSingleton<EventHub>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<MediaFiles>();
        services.AddSingleton<IOptions<SlotsOptions>>(Options.Create(new SlotsOptions()));
        services.AddSingleton<PostingConsole.Slots.SlotService>();
        services.AddSingleton<PostingConsole.Insights.InsightsQueries>();
        services.AddSingleton<PostOperations>();
        services.AddSingleton<PersonaOperations>();
        services.AddSingleton<PostQueries>();
        services.AddSingleton<SharedViews>();
        services.AddSingleton<RhythmCache>();
        services.AddSingleton<PersonaQueries>();
        services.AddSingleton<ConsoleClock>();
        services.AddSingleton<ConsoleQueries>();
        services.AddSingleton<PostingConsole.Operations.DispatchControl>();
        services.AddSingleton<IOptions<PostingOptions>>(Options.Create(new PostingOptions()));
        services.AddScoped<ConsoleActor>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<StatsQueries>();
        services.AddSingleton<IOptionsMonitor<ApiOptions>>(new StaticOptionsMonitor<ApiOptions>(new ApiOptions()));
        services.AddSingleton<ApiKeyStore>();
        services.AddIdentityCore<Microsoft.AspNetCore.Identity.IdentityUser>(PostingConsole.Extensions.SecurityExtensions.ConfigureIdentity)
            .AddRoles<Microsoft.AspNetCore.Identity.IdentityRole>()
            .AddEntityFrameworkStores<PostingDbContext>();
        services.AddSingleton<UserAccounts>();
        // The personas board's account check: the real pieces, with Graph calls going to a refused loopback port.
        services.AddSingleton<IOptions<GraphOptions>>(Options.Create(new GraphOptions { Mode = GraphMode.Live, BaseUrl = new Uri("http://127.0.0.1:9/") }));
        services.AddSingleton<IOptions<MediaOptions>>(Options.Create(new MediaOptions()));
        services.AddSingleton<Microsoft.AspNetCore.Hosting.Server.IServer, NoServer>();
        services.AddSingleton<PostingConsole.Publishing.ConsoleAddress>();
        services.AddSingleton<PostingConsole.Publishing.Graph.GraphEndpoint>();
        services.AddMetrics();
        services.AddSingleton<PostingConsole.Observability.PostingMetrics>();
        services.AddHttpClient<PostingConsole.Publishing.Graph.GraphClient>();
        services.AddSingleton(PostingConsole.Publishing.GraphClock.System);
        services.AddSingleton<PostingConsole.Publishing.GraphCallBudget>();
        services.AddSingleton<PostingConsole.Publishing.ContainerCheck>();
        services.AddSingleton<PostingConsole.Worker.AccountCheck>();
        services.AddSingleton<PostingConsole.Publishing.ThrottleCircuits>();
        services.AddSingleton<MediaUrls>();
        Authorization = Context.AddAuthorization();
        SignInAs(Roles.Admin);

        // Last: reading the renderer builds the service provider.
        Context.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    /// <summary>Renders <typeparamref name="T"/> under MudBlazor's dialog, popover and snackbar providers, as the layout does.</summary>
    protected IRenderedComponent<T> RenderPage<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null) where T : Microsoft.AspNetCore.Components.IComponent
    {
        var host = Context.Render(builder =>
        {
            builder.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudBlazor.MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudBlazor.MudSnackbarProvider>(2);
            builder.CloseComponent();
        });
        Host = host;
        return Context.Render(parameters ?? (_ => { }));
    }

    /// <summary>Retries <paramref name="assertion"/> (about a second) while what a click started is still saving.</summary>
    protected static async Task AssertEventually(Func<Task> assertion)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                await assertion();
                return;
            }
            catch (ShouldAssertException) when (i < 50)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>The providers' render (dialogs appear here).</summary>
    protected IRenderedComponent<Bunit.Rendering.ContainerFragment> Host { get; private set; } = null!;

    /// <summary>Clicks the confirmation dialog's button with <paramref name="text"/>.</summary>
    protected void ConfirmWith(string text)
    {
        Host.WaitForAssertion(() => Host.FindAll("button").Any(b => b.TextContent.Trim() == text).ShouldBeTrue());
        Host.FindAll("button").First(b => b.TextContent.Trim() == text).Click();
    }

    protected async Task<(Persona Persona, Post Post)> SeedAsync(string name = "지수", PostStatus target = PostStatus.Scheduled, DateTime? at = null)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        await using var db = Db();
        var persona = await db.Personas.FirstOrDefaultAsync(p => p.Name == name);
        if (persona is null)
        {
            persona = Persona.Create(name, Random.Shared.NextInt64(1_000_000, 9_999_999).ToString(), "x", "abcd", null, now);
            db.Personas.Add(persona);
            await db.SaveChangesAsync();
        }

        var post = Post.Create(persona.Id, null, "demo/a.jpg", $"{name}의 포스팅", ["데일리"], at ?? now, null, now);
        var due = at is { } a && a > now ? a : now; // a claim needs the post due
        switch (target)
        {
            case PostStatus.Published:
                post.Claim("t", 1, due, due);
                post.MarkPublished("1789", null, now);
                break;
            case PostStatus.Failed:
                post.Claim("t", 1, due, due);
                post.Fail(FailureReason.Transient, "HTTP 500 code 2", now);
                break;
            case PostStatus.Retrying:
                post.Claim("t", 1, due, due);
                post.ScheduleRetry(FailureReason.RateLimited, "code 4", now.AddHours(1), now);
                break;
        }

        db.Posts.Add(post);
        await db.SaveChangesAsync();
        return (persona, post);
    }

    protected BunitContext Context { get; }

    /// <summary>The signed-in user the screens see (Admin unless a test says otherwise with <see cref="SignInAs"/>).</summary>
    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Signs the test's user in with <paramref name="role"/> (before the screen renders).</summary>
    protected void SignInAs(string role)
    {
        Authorization.SetAuthorized($"test-{role.ToLowerInvariant()}");
        Authorization.SetRoles(role);
        Authorization.SetPolicies(Enum.GetValues<Permission>().Where(p => Roles.Allows(role, p)).Select(Roles.Policy).ToArray());
    }

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

/// <summary>A fixed options value for services that take <see cref="IOptionsMonitor{TOptions}"/>.</summary>
public sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

/// <summary>A server that listens nowhere: components under test get the console's services without a host.</summary>
public sealed class NoServer : Microsoft.AspNetCore.Hosting.Server.IServer
{
    public Microsoft.AspNetCore.Http.Features.IFeatureCollection Features { get; } = new Microsoft.AspNetCore.Http.Features.FeatureCollection();

    public Task StartAsync<TContext>(Microsoft.AspNetCore.Hosting.Server.IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull =>
        Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() { }
}
