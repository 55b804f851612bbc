using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;
using PostingConsole.Security;

namespace PostingConsole.Tests.Security;

/// <summary>
/// A screen re-rendered for every change must not hand the browser a new link to the same picture: each new link is a new
/// download and decode, for every thumbnail of every open tab (what made the queue's push slow with many tabs).
/// </summary>
public class MediaUrlReuseTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly MediaUrls urls;

    public MediaUrlReuseTests() => urls = new MediaUrls(new EphemeralDataProtectionProvider()) { Clock = clock };

    private static string Token(string link) => Uri.UnescapeDataString(link[(link.IndexOf("?t=", StringComparison.Ordinal) + 3)..]);

    [Fact]
    public void The_same_picture_gets_the_same_link_for_half_its_lifetime_then_a_new_one_and_each_verifies()
    {
        var first = urls.PathAndQuery("demo/demo-01.jpg");
        clock.Advance(MediaUrls.Reuse - TimeSpan.FromSeconds(1));
        urls.PathAndQuery("demo/demo-01.jpg").ShouldBe(first, "one link while it has at least half its hour left");
        urls.PathAndQuery("demo/demo-02.jpg").ShouldNotBe(first);

        clock.Advance(TimeSpan.FromSeconds(1));
        var second = urls.PathAndQuery("demo/demo-01.jpg");
        second.ShouldNotBe(first, "a new link once the first has only half its hour left");
        urls.Verify("demo/demo-01.jpg", Token(first)).ShouldBeTrue();
        urls.Verify("demo/demo-01.jpg", Token(second)).ShouldBeTrue();
        urls.Verify("demo/demo-02.jpg", Token(second)).ShouldBeFalse();
    }

    [Fact]
    public void Links_no_longer_handed_out_are_dropped()
    {
        for (var i = 0; i < 50; i++) urls.PathAndQuery($"media/{i}.jpg");
        urls.Kept.ShouldBe(50);

        clock.Advance(MediaUrls.Reuse);
        urls.PathAndQuery("media/new.jpg");

        urls.Kept.ShouldBe(1, "the 50 stale links are gone, the new one is kept");
    }
}
