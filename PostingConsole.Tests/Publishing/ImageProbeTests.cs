using PostingConsole.Publishing;
using PostingConsole.Publishing.Sandbox;
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
        (await probe.IsReachableAsync("ftp://cdn.example/x.jpg", CancellationToken.None)).ShouldBeFalse("not http");
        (await probe.IsReachableAsync("file:///etc/passwd", CancellationToken.None)).ShouldBeFalse("not http");
    }
}
