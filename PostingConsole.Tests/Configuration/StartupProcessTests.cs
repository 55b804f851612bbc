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
    public async Task The_port_taken_prints_one_line_and_exits_with_code_1()
    {
        using var folder = new TempFolder("pc-porttaken");
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output, error) = await InstalledConsole.RunToExitAsync(Dll, folder.Path, folder.Path, null, "--urls", $"http://127.0.0.1:{port}");

        exitCode.ShouldBe(1, $"{output}\n{error}");
        var line = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem($"one line on standard error:\n{error}");
        line.ShouldStartWith("PostingConsole cannot start: IOException: Failed to bind to address");
        line.ShouldContain(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (output + error).ShouldNotContain("Unhandled exception");
        File.Exists(Path.Combine(folder.Path, "data", "posting.db")).ShouldBeTrue("data/ in the working folder, not beside the app");
    }
}
