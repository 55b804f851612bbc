using PostingConsole.Tests.Install;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Configuration;

/// <summary>The built console started as an operator starts it: its own process, from a folder of its own.</summary>
public class StartupProcessTests
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "PostingConsole.dll");

    [Theory]
    [InlineData("--Posting:MaxConcurrency=0", "Posting:MaxConcurrency")]
    [InlineData("--Posting:LeaseDuration=soon", "Posting:LeaseDuration")]
    [InlineData("--Media:PublicBaseUrl=not a url", "Media:PublicBaseUrl")]
    public async Task A_bad_value_prints_one_line_naming_the_key_and_exits_with_code_1(string setting, string key)
    {
        using var folder = new TempFolder("pc-badvalue");

        var (exitCode, output, error) = await InstalledConsole.RunToExitAsync(Dll, folder.Path, folder.Path, null, setting);

        exitCode.ShouldBe(1, $"{output}\n{error}");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldHaveSingleItem($"one line on standard error:\n{error}");
        lines[0].ShouldStartWith("PostingConsole cannot start: ");
        lines[0].ShouldContain(key);
        (output + error).ShouldNotContain("Unhandled exception");
        (output + error).ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Started_from_another_folder_it_serves_its_own_web_content_and_keeps_its_data_in_the_working_folder()
    {
        using var folder = new TempFolder("pc-elsewhere");

        await using var console = await InstalledConsole.StartAsync(Dll, folder.Path, folder.Path);

        await Condition.WaitUntilAsync(() => console.Output.Contains("web content", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        console.Output.ShouldContain($"web content {AppContext.BaseDirectory}");
        File.Exists(Path.Combine(folder.Path, "data", "posting.db")).ShouldBeTrue("data/ in the working folder, the install folder");
    }
}
