using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using PostingConsole.Configuration;
using PostingConsole.Extensions;

namespace PostingConsole.Tests.Configuration;

public class OperatorConfigFileTests
{
    [Fact]
    public void The_operator_file_in_the_working_directory_is_read_and_environment_variables_win_over_it()
    {
        using var folder = new TestInfrastructure.TempFolder("pc-cwd");
        File.WriteAllText(Path.Combine(folder.Path, "appsettings.json"), """{ "Posting": { "MaxConcurrency": 7, "PerPersonaHourlyLimit": 4 } }""");
        // The folder is given, not made the working directory: that is process-wide, and other tests run alongside.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.Sources.Insert(builder.Configuration.Sources.Count,
            new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = new Dictionary<string, string?> { ["Posting:PerPersonaHourlyLimit"] = "9" } });
        builder.AddOperatorConfigFile(folder.Path);

        builder.Configuration["Posting:MaxConcurrency"].ShouldBe("7");
        builder.Configuration["Posting:PerPersonaHourlyLimit"].ShouldBe("9", "a source added after the file (env, command line) wins");
    }

    [Fact]
    public void The_data_folder_defaults_to_data_under_the_working_directory()
    {
        var paths = new AppPaths(new ConfigurationBuilder().Build());
        paths.DataFolder.ShouldBe(Path.Combine(Environment.CurrentDirectory, "data"));
        paths.MediaRoot.ShouldBe(Path.Combine(Environment.CurrentDirectory, "data", "media"));
    }
}
