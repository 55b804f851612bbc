using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Sandbox;

namespace PostingConsole.Extensions;

public static class DataExtensions
{
    public static WebApplicationBuilder AddPostingData(this WebApplicationBuilder builder, AppPaths paths)
    {
        var services = builder.Services;
        var dataProtection = services.AddDataProtection().SetApplicationName("PostingConsole");
        if (paths.DatabaseProvider == DatabaseProvider.Postgres)
        {
            // Every console process on the database works from it: the claims, the events (LISTEN/NOTIFY) and the key ring.
            services.AddDbContextFactory<PostgresPostingDbContext>(options => options.UseNpgsql(paths.DatabaseConnectionString));
            services.AddSingleton<IDbContextFactory<PostingDbContext>, PostgresContextFactory>();
            services.AddScoped<PostingDbContext>(sp => sp.GetRequiredService<PostgresPostingDbContext>());
            dataProtection.PersistKeysToDbContext<PostgresPostingDbContext>();
            services.AddHostedService<PostgresEventRelay>();
        }
        else
        {
            var writeGate = new SqliteWriteGate();
            services.AddSingleton(writeGate);
            services.AddDbContextFactory<PostingDbContext>(options => options
                .UseSqlite(paths.DatabaseConnectionString)
                .AddInterceptors(new SqlitePragmaInterceptor(), writeGate));
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(paths.KeysFolder));
        }

        services.AddSingleton<DatabaseLocks>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<DemoSeeder>();
        services.AddHostedService<DatabaseStartup>();
        services.AddSingleton<TokenProtector>();
        return builder;
    }

    /// <summary>The PostgreSQL context handed out wherever the console asks for its context.</summary>
    private sealed class PostgresContextFactory(IDbContextFactory<PostgresPostingDbContext> inner) : IDbContextFactory<PostingDbContext>
    {
        public PostingDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<PostingDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
