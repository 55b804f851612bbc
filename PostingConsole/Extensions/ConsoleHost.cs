using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;

namespace PostingConsole.Extensions;

/// <summary>How the process is hosted: as a project (<c>dotnet run</c>) or as the single self-contained file.</summary>
public static partial class ConsoleHost
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>
    /// True in the single-file bundle (stamped by the publish, see the csproj). Its content is extracted to
    /// <see cref="AppContext.BaseDirectory"/>, so <c>Assembly.Location</c> cannot tell.
    /// </summary>
    public static bool IsSingleFile { get; } = typeof(ConsoleHost).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .OfType<System.Reflection.AssemblyMetadataAttribute>().Any(a => a is { Key: "SingleFileBundle", Value: "true" });

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // The bundle extracts wwwroot and the static assets manifest beside its assemblies; the working
        // directory stays the install folder, where appsettings.json and data/ live (see AppPaths).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = IsSingleFile ? AppContext.BaseDirectory : null,
        });

        // Built-in defaults, below every other source: a binary copied alone has no appsettings.json beside it.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults });

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, DefaultUrl);
        }

        return builder;
    }

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
    };

    /// <summary>Logs one banner line when the server listens: version, mode, database, data folder, URLs.</summary>
    public static void LogStartupBanner(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PostingConsole");
            var paths = app.Services.GetRequiredService<AppPaths>();
            var mode = app.Services.GetRequiredService<IOptions<GraphOptions>>().Value.Mode;
            var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            LogStarted(logger, Version, mode, paths.DatabaseFile, paths.DataFolder, urls.Count > 0 ? string.Join(", ", urls) : "(in-memory test server)",
                app.Environment.ContentRootPath);
        });
    }

    public static string Version =>
        typeof(ConsoleHost).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? "unknown";

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "PostingConsole {Version} started: mode {Mode}, database {Database}, data folder {DataFolder}, listening on {Urls}; web content {ContentRoot}")]
    private static partial void LogStarted(ILogger logger, string version, GraphMode mode, string database, string dataFolder, string urls, string contentRoot);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Critical, Message = "PostingConsole cannot start: {Problems}")]
    public static partial void LogCannotStart(this ILogger logger, string problems);
}
