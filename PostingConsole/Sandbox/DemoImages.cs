using SkiaSharp;

namespace PostingConsole.Sandbox;

/// <summary>
/// The demo's photos, one set per persona: each is one of the bundled photos turned and mirrored its own way, with the
/// persona's colour laid over part of it, so no two personas post the same picture (the readiness check looks for the same
/// image on two personas) — except the one pair the demo means to show: <see cref="DuplicateCopy"/> is a re-encoded, smaller
/// copy of another persona's photo. And three files Meta would refuse: a PNG, a 3:1 panorama and (by URL) a missing file.
/// </summary>
public static class DemoImages
{
    public const string PngName = "faulty-not-jpeg.png";
    public const string PanoramaName = "faulty-panorama.jpg";
    public const string DuplicateCopy = "duplicate-copy.jpg";

    private const int Size = 540;

    /// <summary>The persona's <paramref name="index"/>-th photo (written once into <paramref name="folder"/>); returns its file name.</summary>
    public static string PersonaPhoto(string folder, IReadOnlyList<string> basePhotos, int persona, int index)
    {
        var name = $"p{persona + 1:000}-{index + 1}.jpg";
        var target = Path.Combine(folder, name);
        if (File.Exists(target)) return name;
        using var source = SKBitmap.Decode(Path.Combine(folder, basePhotos[(persona + index) % basePhotos.Count]));
        using var surface = SKSurface.Create(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        var turn = (persona * 5 + index * 3) % 8;
        canvas.Translate(Size / 2f, Size / 2f);
        canvas.RotateDegrees(90 * (turn % 4));
        if (turn >= 4) canvas.Scale(-1, 1);
        canvas.Translate(-Size / 2f, -Size / 2f);
        using (var image = SKImage.FromBitmap(source))
        {
            canvas.DrawImage(image, new SKRect(0, 0, Size, Size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        canvas.ResetMatrix();
        // The persona's colour: a band and a disc placed by the persona and the photo's number.
        var hue = persona * 137.5f % 360;
        using var paint = new SKPaint { Color = SKColor.FromHsl(hue, 70, 45), IsAntialias = true };
        var band = (persona + index * 2) % 4 * (Size / 4f);
        canvas.DrawRect((persona + index) % 2 == 0 ? new SKRect(band, 0, band + Size / 4f, Size) : new SKRect(0, band, Size, band + Size / 4f), paint);
        paint.Color = SKColor.FromHsl((hue + 180) % 360, 80, 70);
        canvas.DrawCircle(Size * (0.2f + (persona * 3 + index) % 4 * 0.2f), Size * (0.2f + (persona + index * 5) % 4 * 0.2f), Size * 0.16f, paint);
        Write(surface, target, SKEncodedImageFormat.Jpeg, 85);
        return name;
    }

    /// <summary>The files the demo's faulty posts carry (written once): a PNG, a 3:1 JPEG, and a copy of <paramref name="original"/>.</summary>
    public static void WriteFaulty(string folder, string original)
    {
        var png = Path.Combine(folder, PngName);
        if (!File.Exists(png))
        {
            using var surface = SKSurface.Create(new SKImageInfo(600, 600));
            surface.Canvas.Clear(SKColors.SteelBlue);
            Write(surface, png, SKEncodedImageFormat.Png, 100);
        }

        var panorama = Path.Combine(folder, PanoramaName);
        if (!File.Exists(panorama))
        {
            using var surface = SKSurface.Create(new SKImageInfo(1200, 400));
            using var paint = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(1200, 0), [SKColors.Orange, SKColors.Purple], SKShaderTileMode.Clamp) };
            surface.Canvas.DrawRect(0, 0, 1200, 400, paint);
            Write(surface, panorama, SKEncodedImageFormat.Jpeg, 85);
        }

        var copy = Path.Combine(folder, DuplicateCopy);
        if (!File.Exists(copy))
        {
            // Another persona reposts the photo: downloaded, made smaller and saved again at a lower quality.
            using var source = SKBitmap.Decode(Path.Combine(folder, original));
            using var smaller = source.Resize(new SKImageInfo(source.Width * 3 / 4, source.Height * 3 / 4), new SKSamplingOptions(SKFilterMode.Linear));
            using var data = smaller.Encode(SKEncodedImageFormat.Jpeg, 60);
            File.WriteAllBytes(copy, data.ToArray());
        }
    }

    private static void Write(SKSurface surface, string path, SKEncodedImageFormat format, int quality)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(format, quality);
        File.WriteAllBytes(path, data.ToArray());
    }
}
