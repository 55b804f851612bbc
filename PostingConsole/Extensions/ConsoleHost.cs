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
        // The web content (wwwroot, the static assets manifest) is the app's own, beside its assemblies (the single file
        // extracts it there), wherever the console is started from; the working directory stays the install folder,
        // where the operator's appsettings.json and data/ live (see AppPaths, AddOperatorConfigFile).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
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
            LogStarted(logger, Version, mode, paths.DatabaseDescription, paths.DataFolder, urls.Count > 0 ? string.Join(", ", urls) : "(in-memory test server)",
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

    /// <summary>
    /// A start that cannot go on (a bad configuration value, the port taken, an unreadable database): one line on standard
    /// error naming the problem (a bad value's message names its key), exit code 1; no stack trace, no abort.
    /// </summary>
    public static int CannotStart(Exception exception)
    {
        var problem = exception is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException or FormatException
            ? exception.Message
            : $"{exception.GetType().Name}: {exception.Message}";
        Console.Error.WriteLine($"PostingConsole cannot start: {string.Join(' ', problem.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}");
        return 1;
    }
}
