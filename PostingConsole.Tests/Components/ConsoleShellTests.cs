using PostingConsole.Security;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Domain;

namespace PostingConsole.Tests.Components;

/// <summary>The run command's promise: the MudBlazor shell and its assets are served.</summary>
public class ConsoleShellTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new(environment: "Development");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task The_home_page_is_the_mudblazor_shell_in_korean()
    {
        var client = await app.CreateSignedInClientAsync(Roles.Viewer);
        var html = await client.GetStringAsync("/");

        html.ShouldContain("_content/MudBlazor/MudBlazor.min");
        html.ShouldContain("blazor.web.js");
        html.ShouldContain("mud-layout");
        html.ShouldContain("포스팅 큐");
    }

    [Theory]
    [InlineData(@"_framework/blazor\.web[^""]*\.js")]
    [InlineData(@"_content/MudBlazor/MudBlazor\.min[^""]*\.css")]
    [InlineData(@"_content/MudBlazor/MudBlazor\.min[^""]*\.js")]
    public async Task Blazor_and_mudblazor_assets_are_served_with_content(string assetPattern)
    {
        var client = await app.CreateSignedInClientAsync(Roles.Viewer);
        var html = await client.GetStringAsync("/");
        var href = System.Text.RegularExpressions.Regex.Match(html, $"(?:href|src)=\"({assetPattern})\"").Groups[1].Value;

        href.ShouldNotBeNullOrEmpty("the page references the asset");
        var bytes = await client.GetByteArrayAsync("/" + href);
        bytes.Length.ShouldBeGreaterThan(1000);
    }
}
