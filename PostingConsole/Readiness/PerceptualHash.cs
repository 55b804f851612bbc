using System.Numerics;
using SkiaSharp;

namespace PostingConsole.Readiness;

/// <summary>
/// What a picture looks like, in 12 bytes: its 64-bit difference hash and its average colour (<see cref="PerceptualHash"/>).
/// </summary>
public readonly record struct ImageFingerprint(long Hash, int Color)
{
    /// <summary>The same picture: the hashes within <see cref="PerceptualHash.SameImageDistance"/> bits and the average colours close.</summary>
    public bool SameImage(ImageFingerprint other) =>
        PerceptualHash.Distance(Hash, other.Hash) <= PerceptualHash.SameImageDistance && ColorDistance(Color, other.Color) <= PerceptualHash.SameColorDistance;

    private static int ColorDistance(int a, int b) =>
        Math.Abs((a >> 16 & 0xFF) - (b >> 16 & 0xFF)) + Math.Abs((a >> 8 & 0xFF) - (b >> 8 & 0xFF)) + Math.Abs((a & 0xFF) - (b & 0xFF));
}

/// <summary>
/// A 64-bit difference hash ("dHash") of an image: decoded small (SkiaSharp), made grey, shrunk to 9×8, and one bit per pair of
/// neighbouring pixels (is the left one brighter?). A re-encoded, resized or lightly recompressed copy of an image keeps almost
/// every bit; a different image differs in about half. A hash sees light and shade only: two smooth gradients, or two flat
/// pictures, of different colours hash alike, so the picture's average colour is kept beside it (<see cref="ImageFingerprint"/>).
/// </summary>
public static class PerceptualHash
{
    /// <summary>At most this many differing bits of 64 is the same picture (a resize or re-encode changes a few).</summary>
    public const int SameImageDistance = 10;

    /// <summary>At most this far apart (the sum of the red, green and blue differences, 0–765) is the same colour.</summary>
    public const int SameColorDistance = 36;

    /// <summary>The largest picture decoded for a hash (about 7,000 × 7,000).</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>The fingerprint of an encoded image (JPEG, PNG, WebP…); null when it cannot be decoded.</summary>
    public static ImageFingerprint? Of(ReadOnlySpan<byte> encoded)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        // Meta takes at most 1440 px across; a header declaring a giant picture is not decoded (its pixels would not fit in memory).
        if (codec is null || (long)codec.Info.Width * codec.Info.Height > MaxPixels) return null;
        // Decoded at the smallest scale the codec offers above 64 px (a JPEG decodes at 1/2, 1/4 or 1/8 for a fraction of the work).
        var size = codec.GetScaledDimensions(Math.Clamp(64f / Math.Min(codec.Info.Width, codec.Info.Height), 0.125f, 1f));
        using var decoded = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput)) return null;
        using var small = decoded.Resize(new SKImageInfo(9, 8, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        if (small is null) return null;

        // Luma (Rec. 601) of each of the 9×8 pixels, then one bit per neighbouring pair.
        var pixels = small.GetPixelSpan();
        Span<int> luma = stackalloc int[72];
        int red = 0, green = 0, blue = 0;
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 9; x++)
            {
                var i = y * small.RowBytes + x * 4;
                luma[y * 9 + x] = pixels[i] * 299 + pixels[i + 1] * 587 + pixels[i + 2] * 114;
                red += pixels[i];
                green += pixels[i + 1];
                blue += pixels[i + 2];
            }
        }

        ulong hash = 0;
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                hash <<= 1;
                if (luma[y * 9 + x] > luma[y * 9 + x + 1]) hash |= 1;
            }
        }

        return new ImageFingerprint(unchecked((long)hash), (red / 72 << 16) | (green / 72 << 8) | blue / 72);
    }

    public static int Distance(long a, long b) => BitOperations.PopCount(unchecked((ulong)(a ^ b)));

}
