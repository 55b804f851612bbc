using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;
using PostingConsole.Security;

namespace PostingConsole.Tests.Security;

/// <summary>
/// A screen re-rendered for every change must not hand the browser a new link to the same picture: each new link is a new
/// download and decode, for every thumbnail of every open tab (what made the queue's push slow with many tabs). Meta's
/// fetcher still gets a new link with its whole hour.
/// </summary>
public class MediaUrlReuseTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly EphemeralDataProtectionProvider protection = new();
    private readonly MediaUrls urls;

    public MediaUrlReuseTests() => urls = new MediaUrls(protection) { Clock = clock };

    private static string Token(string link) => Uri.UnescapeDataString(link[(link.IndexOf("?t=", StringComparison.Ordinal) + 3)..]);

    /// <summary>When the link's token stops being accepted (the same protector as <see cref="MediaUrls"/>).</summary>
    private DateTimeOffset ExpiryOf(string link)
    {
        protection.CreateProtector("PostingConsole.MediaUrl.v1").ToTimeLimitedDataProtector().Unprotect(Token(link), out var expiration);
        return expiration;
    }

    [Fact]
    public void A_screen_gets_the_same_link_to_a_picture_for_half_its_lifetime_then_a_new_one()
    {
        var issuedAt = DateTimeOffset.UtcNow;
        var first = urls.PathAndQueryForScreens("demo/demo-01.jpg");
        ExpiryOf(first).ShouldBe(issuedAt + MediaUrls.Lifetime, TimeSpan.FromMinutes(1));

        clock.Advance(MediaUrls.Reuse - TimeSpan.FromSeconds(1));
        urls.PathAndQueryForScreens("demo/demo-01.jpg").ShouldBe(first, "one link while it has at least half its hour left");

        clock.Advance(TimeSpan.FromSeconds(1));
        var second = urls.PathAndQueryForScreens("demo/demo-01.jpg");
        second.ShouldNotBe(first, "a new link once the first has only half its hour left");
        urls.Verify("demo/demo-01.jpg", Token(second)).ShouldBeTrue();
        urls.Verify("demo/demo-02.jpg", Token(second)).ShouldBeFalse();
    }

    [Fact]
    public void Metas_fetcher_gets_a_new_link_with_its_whole_hour_every_time()
    {
        var shown = urls.PathAndQueryForScreens("demo/demo-01.jpg");
        clock.Advance(MediaUrls.Reuse - TimeSpan.FromSeconds(1));

        var forMeta = urls.PathAndQuery("demo/demo-01.jpg");

        forMeta.ShouldNotBe(shown);
        urls.PathAndQuery("demo/demo-01.jpg").ShouldNotBe(forMeta);
        ExpiryOf(forMeta).ShouldBe(DateTimeOffset.UtcNow + MediaUrls.Lifetime, TimeSpan.FromMinutes(1));
        urls.Kept.ShouldBe(1, "only the screen's link is kept");
    }

    [Fact]
    public void Links_no_longer_handed_out_are_dropped()
    {
        for (var i = 0; i < 50; i++) urls.PathAndQueryForScreens($"media/{i}.jpg");
        urls.Kept.ShouldBe(50);

        clock.Advance(MediaUrls.Reuse);
        urls.PathAndQueryForScreens("media/new.jpg");

        urls.Kept.ShouldBe(1, "the 50 stale links are gone, the new one is kept");
    }
}
