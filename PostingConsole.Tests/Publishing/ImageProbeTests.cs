using PostingConsole.Publishing;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Publishing;

/// <summary>The pre-fetch against real HTTP: the console's sandbox CDN serves files of the media folder.</summary>
public class ImageProbeTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_reachable_image_passes_and_one_larger_than_meta_accepts_or_not_http_does_not()
    {
        var probe = app.GetService<ImageProbe>();
        await File.WriteAllBytesAsync(Path.Combine(app.MediaRoot, "huge.jpg"), new byte[ImageProbe.MaxBytes + 1]);
        var cdn = new Uri(app.BaseUrl, "sandbox/cdn-blocks-meta/");

        (await probe.IsReachableAsync(new Uri(cdn, "demo/demo-01.jpg").AbsoluteUri, CancellationToken.None)).ShouldBeTrue();
        (await probe.IsReachableAsync(new Uri(cdn, "huge.jpg").AbsoluteUri, CancellationToken.None)).ShouldBeFalse("over 8 MiB");
        (await probe.IsReachableAsync(new Uri(app.BaseUrl, "sandbox/cdn-down/x.jpg").AbsoluteUri, CancellationToken.None)).ShouldBeFalse("503");
        // An error answer that declares its (small) length is still an error (a CDN's 403/404 page).
        using var forbidden = await app.CreateClient().GetAsync("/media/demo/demo-01.jpg?t=forged");
        forbidden.Content.Headers.ContentLength.ShouldNotBeNull();
        (await probe.IsReachableAsync(new Uri(app.BaseUrl, "media/demo/demo-01.jpg?t=forged").AbsoluteUri, CancellationToken.None)).ShouldBeFalse("403 with a Content-Length");
        // A video may be larger than an image: the limit is the caller's.
        (await probe.IsReachableAsync(new Uri(cdn, "huge.jpg").AbsoluteUri, PostingConsole.Domain.MediaFormats.VideoMaxBytes, CancellationToken.None)).ShouldBeTrue("within a video's limit");
        (await probe.IsReachableAsync("ftp://cdn.example/x.jpg", CancellationToken.None)).ShouldBeFalse("not http");
        (await probe.IsReachableAsync("file:///etc/passwd", CancellationToken.None)).ShouldBeFalse("not http");
    }
}

public class PublicAddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.0.10", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("157.240.22.35", true)]
    [InlineData("2a03:2880:f10d:83:face:b00c:0:25de", true)]
    public void Only_public_addresses_pass(string address, bool isPublic) =>
        PublicAddressGuard.IsPublic(System.Net.IPAddress.Parse(address)).ShouldBe(isPublic);

    [Fact]
    public async Task In_live_mode_the_pre_fetch_refuses_a_loopback_cdn_that_sandbox_mode_reaches()
    {
        await using var sandbox = EngineHarness.Start();
        await using var live = new ConsoleAppFactory(new Dictionary<string, string?> { ["Graph:Mode"] = "Live" });
        var url = new Uri(sandbox.BaseUrl, "sandbox/cdn-blocks-meta/demo/demo-01.jpg").AbsoluteUri;

        (await sandbox.GetService<ImageProbe>().IsReachableAsync(url, CancellationToken.None)).ShouldBeTrue();
        (await live.GetService<ImageProbe>().IsReachableAsync(url, CancellationToken.None)).ShouldBeFalse();
    }
}
