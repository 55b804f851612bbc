using Microsoft.Extensions.Configuration.EnvironmentVariables;
using PostingConsole.Configuration;
using PostingConsole.Notifications;

namespace PostingConsole.Extensions;

public static class ConfigurationExtensions
{
    /// <summary>
    /// The operator's config file is <c>appsettings.json</c> in the working directory: the repository root
    /// for <c>dotnet run --project PostingConsole</c>, the install folder for the published binary. It is read
    /// after any <c>appsettings.json</c> beside the binary and before environment variables and the command line.
    /// </summary>
    /// <param name="directory">Where the file is; the working directory unless given (tests give theirs).</param>
    public static WebApplicationBuilder AddOperatorConfigFile(this WebApplicationBuilder builder, string? directory = null)
    {
        var sources = builder.Configuration.Sources;
        var path = Path.Combine(directory ?? Environment.CurrentDirectory, "appsettings.json");
        var index = sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
        var fileSource = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = path,
            Optional = true,
            ReloadOnChange = false,
        };
        fileSource.ResolveFileProvider();
        if (index < 0) sources.Add(fileSource); else sources.Insert(index, fileSource);
        return builder;
    }

    public static WebApplicationBuilder AddConsoleOptions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<GraphOptions, GraphOptionsValidator>(GraphOptions.Section);
        services.AddValidatedOptions<PostingOptions, PostingOptionsValidator>(PostingOptions.Section);
        services.AddValidatedOptions<MediaOptions, MediaOptionsValidator>(MediaOptions.Section);
        services.AddValidatedOptions<ApiOptions, ApiOptionsValidator>(ApiOptions.Section);
        services.AddValidatedOptions<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.Section);
        services.AddValidatedOptions<ConsoleOptions, ConsoleOptionsValidator>(ConsoleOptions.Section);
        services.AddValidatedOptions<NotificationOptions, NotificationOptionsValidator>(NotificationOptions.Section);
        services.AddValidatedOptions<ObservabilityOptions, ObservabilityOptionsValidator>(ObservabilityOptions.Section);
        services.AddValidatedOptions<AlertOptions, AlertOptionsValidator>(AlertOptions.Section);
        services.AddValidatedOptions<SandboxOptions, SandboxOptionsValidator>(SandboxOptions.Section);
        services.AddValidatedOptions<RetentionOptions, RetentionOptionsValidator>(RetentionOptions.Section);
        services.AddValidatedOptions<ReadinessOptions, ReadinessOptionsValidator>(ReadinessOptions.Section);
        services.AddValidatedOptions<InsightsOptions, InsightsOptionsValidator>(InsightsOptions.Section);
        services.AddValidatedOptions<SlotsOptions, SlotsOptionsValidator>(SlotsOptions.Section);
        return builder;
    }
}
