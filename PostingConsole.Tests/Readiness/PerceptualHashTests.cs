using PostingConsole.Readiness;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;
using SkiaSharp;

namespace PostingConsole.Tests.Readiness;

/// <summary>Duplicates are found for a re-encoded and resized copy, and not for a different image (issue 25).</summary>
public sealed class PerceptualHashTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static byte[] Demo(string name)
    {
        using var stream = typeof(DemoSeeder).Assembly.GetManifestResourceStream("DemoMedia." + name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] Reencode(byte[] jpeg, double scale, int quality)
    {
        using var source = SKBitmap.Decode(jpeg);
        using var resized = source.Resize(new SKImageInfo((int)(source.Width * scale), (int)(source.Height * scale)), new SKSamplingOptions(SKFilterMode.Linear));
        using var data = resized.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    [Fact]
    public void A_reencoded_and_resized_copy_is_the_same_image_and_a_different_photo_is_not()
    {
        foreach (var name in DemoSeeder.DemoImageNames) File.WriteAllBytes(Path.Combine(folder.Path, name), Demo(name));
        var photos = Enumerable.Range(0, 6).Select(p => File.ReadAllBytes(Path.Combine(folder.Path, DemoImages.PersonaPhoto(folder.Path, DemoSeeder.DemoImageNames, p, 0)))).ToList();
        var original = photos[0];
        var hash = PerceptualHash.Of(original)!.Value;

        PerceptualHash.SameImage(hash, PerceptualHash.Of(Reencode(original, 1.0, 55))!.Value).ShouldBeTrue();
        PerceptualHash.SameImage(hash, PerceptualHash.Of(Reencode(original, 0.5, 80))!.Value).ShouldBeTrue();
        PerceptualHash.SameImage(hash, PerceptualHash.Of(Reencode(original, 0.3, 60))!.Value).ShouldBeTrue();

        foreach (var other in photos.Skip(1))
        {
            PerceptualHash.Distance(hash, PerceptualHash.Of(other)!.Value).ShouldBeGreaterThan(PerceptualHash.SameImageDistance, "another photo");
        }
    }

    [Fact]
    public void Not_an_image_has_no_hash() => PerceptualHash.Of("<html>404</html>"u8).ShouldBeNull();

    [Fact]
    public void The_demo_personas_post_photos_of_their_own_and_one_duplicate_pair()
    {
        foreach (var name in DemoSeeder.DemoImageNames) File.WriteAllBytes(Path.Combine(folder.Path, name), Demo(name));
        var photos = Enumerable.Range(0, 100).SelectMany(p => Enumerable.Range(0, DemoImages.PhotosPerPersona).Select(k =>
            (Persona: p, Hash: PerceptualHash.Of(File.ReadAllBytes(Path.Combine(folder.Path, DemoImages.PersonaPhoto(folder.Path, DemoSeeder.DemoImageNames, p, k))))!.Value))).ToList();

        var clashes = photos.SelectMany((a, i) => photos.Skip(i + 1).Where(b => b.Persona != a.Persona && PerceptualHash.SameImage(a.Hash, b.Hash))
            .Select(b => $"persona {a.Persona + 1} and {b.Persona + 1}")).ToList();
        clashes.ShouldBeEmpty();
        photos.Count.ShouldBe(300);

        var original = DemoImages.PersonaPhoto(folder.Path, DemoSeeder.DemoImageNames, 8, 2);
        DemoImages.WriteFaulty(folder.Path, original);
        PerceptualHash.SameImage(PerceptualHash.Of(File.ReadAllBytes(Path.Combine(folder.Path, original)))!.Value,
            PerceptualHash.Of(File.ReadAllBytes(Path.Combine(folder.Path, DemoImages.DuplicateCopy)))!.Value).ShouldBeTrue();
    }
}
