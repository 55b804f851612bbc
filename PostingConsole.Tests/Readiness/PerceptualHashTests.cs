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
        // The bundled photos as they are (smooth gradients: alike in light and shade, each its own colour) and the demo's.
        var misses = new List<string>();
        foreach (var (original, i) in DemoSeeder.DemoImageNames.Select(Demo).Concat(photos).Select((o, i) => (o, i)))
        {
            var fingerprint = PerceptualHash.Of(original)!.Value;
            foreach (var (scale, quality) in new[] { (1.0, 55), (0.5, 80), (0.3, 60) })
            {
                var copy = PerceptualHash.Of(Reencode(original, scale, quality))!.Value;
                if (!fingerprint.SameImage(copy)) misses.Add($"image {i} at {scale}/{quality}: {PerceptualHash.Distance(fingerprint.Hash, copy.Hash)} bits, colours {fingerprint.Color:X6}/{copy.Color:X6}");
            }
        }

        misses.ShouldBeEmpty();

        // Two bundled gradients 2 bits apart in light and shade, in other colours: other pictures. And the personas' photos.
        var first = PerceptualHash.Of(Demo("demo-01.jpg"))!.Value;
        var second = PerceptualHash.Of(Demo("demo-02.jpg"))!.Value;
        PerceptualHash.Distance(first.Hash, second.Hash).ShouldBeLessThanOrEqualTo(PerceptualHash.SameImageDistance);
        first.SameImage(second).ShouldBeFalse();
        var prints = photos.Select(p => PerceptualHash.Of(p)!.Value).ToList();
        prints.SelectMany((a, i) => prints.Skip(i + 1).Where(a.SameImage)).ShouldBeEmpty();
    }

    [Fact]
    public void Two_flat_pictures_of_different_colours_are_not_the_same_image_and_of_one_colour_are()
    {
        static byte[] Flat(SKColor colour, int width, int height)
        {
            using var surface = SKSurface.Create(new SKImageInfo(width, height));
            surface.Canvas.Clear(colour);
            using var image = surface.Snapshot();
            using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
            return data.ToArray();
        }

        var red = PerceptualHash.Of(Flat(SKColors.Firebrick, 600, 600))!.Value;
        red.SameImage(PerceptualHash.Of(Flat(SKColors.SteelBlue, 600, 600))!.Value).ShouldBeFalse();
        red.SameImage(PerceptualHash.Of(Flat(SKColors.Firebrick, 320, 320))!.Value).ShouldBeTrue();
    }

    [Fact]
    public void Not_an_image_has_no_hash() => PerceptualHash.Of("<html>404</html>"u8).ShouldBeNull();

    [Fact]
    public void The_demo_personas_post_photos_of_their_own_and_one_duplicate_pair()
    {
        foreach (var name in DemoSeeder.DemoImageNames) File.WriteAllBytes(Path.Combine(folder.Path, name), Demo(name));
        var photos = Enumerable.Range(0, 100).SelectMany(p => Enumerable.Range(0, DemoImages.PhotosPerPersona).Select(k =>
            (Persona: p, Hash: PerceptualHash.Of(File.ReadAllBytes(Path.Combine(folder.Path, DemoImages.PersonaPhoto(folder.Path, DemoSeeder.DemoImageNames, p, k))))!.Value))).ToList();

        var clashes = photos.SelectMany((a, i) => photos.Skip(i + 1).Where(b => b.Persona != a.Persona && a.Hash.SameImage(b.Hash))
            .Select(b => $"persona {a.Persona + 1} and {b.Persona + 1}")).ToList();
        clashes.ShouldBeEmpty();
        photos.Count.ShouldBe(300);

        var original = DemoImages.PersonaPhoto(folder.Path, DemoSeeder.DemoImageNames, 8, 2);
        DemoImages.WriteFaulty(folder.Path, original);
        PerceptualHash.Of(File.ReadAllBytes(Path.Combine(folder.Path, original)))!.Value
            .SameImage(PerceptualHash.Of(File.ReadAllBytes(Path.Combine(folder.Path, DemoImages.DuplicateCopy)))!.Value).ShouldBeTrue();
    }
}
