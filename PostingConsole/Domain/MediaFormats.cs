namespace PostingConsole.Domain;

/// <summary>
/// Meta's documented media limits, checked at intake (for local files), by the CDN probe, and by the Sandbox as Meta checks
/// what it downloads. Source: the IG User Media reference, "Image Specifications", "Reel Specifications", "Story Video
/// Specifications" and "Carousel" (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media),
/// as summarised in docs/instagram.md#media-limits.
/// </summary>
public static class MediaFormats
{
    /// <summary>Images: JPEG only (MPO/JPS refused), at most 8 MiB.</summary>
    public const long ImageMaxBytes = 8 * 1024 * 1024;

    /// <summary>Feed and carousel images: aspect ratio between 4:5 and 1.91:1. A story image may be any ratio (9:16 recommended).</summary>
    public const double MinAspect = 4.0 / 5.0;
    public const double MaxAspect = 1.91;

    /// <summary>Reels: MOV or MP4 (MPEG-4 Part 14), at most 300 MB.</summary>
    public const long ReelMaxBytes = 300L * 1024 * 1024;

    /// <summary>Story videos and carousel videos: MOV or MP4, at most 100 MB.</summary>
    public const long VideoMaxBytes = 100L * 1024 * 1024;

    /// <summary>A carousel has 2 to 10 children (images, videos or a mix).</summary>
    public const int CarouselMinItems = 2;
    public const int CarouselMaxItems = 10;

    /// <summary>The largest file Meta takes for <paramref name="placement"/>.</summary>
    public static long MaxBytes(MediaType placement, bool video) =>
        !video ? ImageMaxBytes : placement == MediaType.Reels ? ReelMaxBytes : VideoMaxBytes;

    /// <summary>Whether an image of this size fits the placement's aspect ratio rule.</summary>
    public static bool AspectFits(MediaType placement, int width, int height)
    {
        if (placement == MediaType.Stories) return true;
        var aspect = (double)width / height;
        return aspect >= MinAspect - 0.001 && aspect <= MaxAspect + 0.001;
    }

    /// <summary>
    /// MP4 and MOV are ISO base media files: a sequence of boxes, each a 4-byte size and a 4-byte type; an MP4 starts
    /// with <c>ftyp</c>, a QuickTime file may start with <c>moov</c>, <c>mdat</c>, <c>wide</c>, <c>free</c> or <c>skip</c>.
    /// </summary>
    public static bool IsVideoContainer(ReadOnlySpan<byte> head)
    {
        if (head.Length < 8) return false;
        var type = System.Text.Encoding.ASCII.GetString(head.Slice(4, 4));
        return type is "ftyp" or "moov" or "mdat" or "wide" or "free" or "skip";
    }

    /// <summary>
    /// Reads width and height from the first start-of-frame marker; false when the bytes are not a JPEG, or, with
    /// <paramref name="whole"/>, not a whole one (Meta's check on what it downloaded; intake accepts bytes after the end marker).
    /// </summary>
    public static bool TryReadJpegSize(ReadOnlySpan<byte> data, out int width, out int height, bool whole = true)
    {
        width = height = 0;
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) return false;

        var i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF) return false;
            var marker = data[i + 1];
            if (marker == 0xFF) { i++; continue; }
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) { i += 2; continue; }
            if (marker == 0xD9) return false;

            var length = (data[i + 2] << 8) | data[i + 3];
            if (length < 2 || i + 2 + length > data.Length) return false;
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 7) return false;
                height = (data[i + 5] << 8) | data[i + 6];
                width = (data[i + 7] << 8) | data[i + 8];
                return width > 0 && height > 0 && (!whole || HasEnd(data));
            }

            i += 2 + length;
        }

        return false;
    }

    private static bool HasEnd(ReadOnlySpan<byte> data) => data.Length >= 2 && data[^2] == 0xFF && data[^1] == 0xD9;
}
