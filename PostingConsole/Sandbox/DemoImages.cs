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

    private const int Size = 480;

    /// <summary>Photos per persona (its posts and carousel items take them in turn).</summary>
    public const int PhotosPerPersona = 3;

    /// <summary>The bundled photos, decoded once at the demo's size.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SKImage> Bases = new();

    /// <summary>The persona's <paramref name="index"/>-th photo (written once into <paramref name="folder"/>); returns its file name.</summary>
    public static string PersonaPhoto(string folder, IReadOnlyList<string> basePhotos, int persona, int index)
    {
        index %= PhotosPerPersona;
        var name = $"p{persona + 1:000}-{index + 1}.jpg";
        var target = Path.Combine(folder, name);
        if (File.Exists(target)) return name;
        var basePath = Path.Combine(folder, basePhotos[(persona + index) % basePhotos.Count]);
        var background = Bases.GetOrAdd(basePath, Decode);
        using var surface = SKSurface.Create(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.DrawImage(background, new SKRect(0, 0, Size, Size), new SKSamplingOptions(SKFilterMode.Linear));
        // Light and shade in a pattern of the persona's own (what a perceptual hash sees), and the persona's colour.
        var random = new Random(persona * 7919 + index * 104_729);
        const int columns = 7, rows = 7;
        var hue = persona * 137.5f % 360;
        using var paint = new SKPaint { IsAntialias = true };
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < columns; x++)
            {
                paint.Color = random.Next(2) == 0 ? SKColor.FromHsl(hue, 60, 18).WithAlpha(120) : SKColor.FromHsl((hue + 40) % 360, 80, 88).WithAlpha(120);
                canvas.DrawRect(x * Size / (float)columns, y * Size / (float)rows, Size / (float)columns, Size / (float)rows, paint);
            }
        }

        paint.Color = SKColor.FromHsl((hue + 180) % 360, 80, 60).WithAlpha(220);
        canvas.DrawCircle(Size * (0.25f + random.NextSingle() * 0.5f), Size * (0.25f + random.NextSingle() * 0.5f), Size * 0.14f, paint);
        Write(surface, target, SKEncodedImageFormat.Jpeg, 85);
        return name;
    }

    private static SKImage Decode(string path)
    {
        using var codec = SKCodec.Create(path);
        var size = codec.GetScaledDimensions(Size / (float)Math.Min(codec.Info.Width, codec.Info.Height));
        using var bitmap = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        return SKImage.FromBitmap(bitmap);
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
