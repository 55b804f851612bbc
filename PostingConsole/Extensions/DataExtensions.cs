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
        var writeGate = new SqliteWriteGate();
        builder.Services.AddSingleton(writeGate);
        builder.Services.AddDbContextFactory<PostingDbContext>(options => options
            .UseSqlite(paths.DatabaseConnectionString)
            .AddInterceptors(new SqlitePragmaInterceptor(), writeGate));
        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddSingleton<DemoSeeder>();
        builder.Services.AddHostedService<DatabaseStartup>();

        builder.Services.AddDataProtection()
            .SetApplicationName("PostingConsole")
            .PersistKeysToFileSystem(new DirectoryInfo(paths.KeysFolder));
        builder.Services.AddSingleton<TokenProtector>();
        return builder;
    }
}
