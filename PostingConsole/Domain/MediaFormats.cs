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

    /// <summary>How much of a video is read to check it: its container, and its index when written first (for streaming).</summary>
    public const int VideoHeadBytes = 1024 * 1024;

    /// <summary>Reels run 3 seconds to 15 minutes; a story video at most 60 seconds (docs/instagram.md#media-limits).</summary>
    public static readonly TimeSpan ReelMinDuration = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan ReelMaxDuration = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan StoryMaxDuration = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Meta's rules for one file as it was read (intake on a local file, the readiness check on a download): null when Meta
    /// would take it, else the problem's code and what was found. <paramref name="data"/> is the whole image, or a video's first
    /// bytes; <paramref name="length"/> is the file's full size; <paramref name="whole"/> asks for a complete JPEG (a download).
    /// </summary>
    public static (ReadinessCode Code, string Detail)? Check(ReadOnlySpan<byte> data, long length, MediaType placement, bool video, bool whole)
    {
        var max = MaxBytes(placement, video);
        if (length > max) return (ReadinessCode.MediaTooLarge, $"is {length / (1024.0 * 1024):0.#} MiB; Meta takes at most {max / (1024 * 1024)} MiB for {Name(placement)}");
        if (video)
        {
            if (!IsVideoContainer(data)) return (ReadinessCode.VideoSpec, "is not an MP4 or MOV video (Meta takes MP4 and MOV only)");
            if (!TryReadVideoDuration(data, out var duration)) return null; // its index is past the first bytes: Meta's processing decides
            if (placement == MediaType.Reels && (duration < ReelMinDuration || duration > ReelMaxDuration))
                return (ReadinessCode.VideoSpec, $"runs {duration.TotalSeconds:0.#} s; a reel runs 3 s to 15 min");
            if (placement == MediaType.Stories && duration > StoryMaxDuration)
                return (ReadinessCode.VideoSpec, $"runs {duration.TotalSeconds:0.#} s; a story video runs at most 60 s");
            return null;
        }

        if (!TryReadJpegSize(data, out var width, out var height, whole))
            return (ReadinessCode.MediaNotJpeg, $"is not a JPEG image{(FormatOf(data) is { } format ? $" ({format})" : "")} (Meta takes JPEG only)");
        return AspectFits(placement, width, height)
            ? null
            : (ReadinessCode.AspectRatio, $"is {width}x{height}, outside the 4:5 to 1.91:1 aspect ratio Meta takes for {Name(placement)} images");
    }

    private static string Name(MediaType placement) => placement switch
    {
        MediaType.Stories => "STORIES",
        MediaType.Reels => "REELS",
        MediaType.Carousel => "CAROUSEL",
        _ => "IMAGE",
    };

    /// <summary>The format a file's first bytes name, for a message (PNG, GIF, WebP, HTML); null when unknown.</summary>
    public static string? FormatOf(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) ? "PNG"
        : head.StartsWith("GIF8"u8) ? "GIF"
        : head.Length >= 12 && head.StartsWith("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WEBP"u8) ? "WebP"
        : head.TrimStart(" \r\n\t"u8).StartsWith("<"u8) ? "HTML"
        : null;

    /// <summary>
    /// A video's duration from its <c>moov/mvhd</c> box, when the index is within <paramref name="head"/> (a file written for
    /// streaming has it first); false when it is not there.
    /// </summary>
    public static bool TryReadVideoDuration(ReadOnlySpan<byte> head, out TimeSpan duration)
    {
        duration = default;
        var moov = FindBox(head, "moov"u8);
        if (moov.IsEmpty) return false;
        var mvhd = FindBox(moov, "mvhd"u8);
        return mvhd.Length >= 20 && ReadMvhd(mvhd, out duration);
    }

    private static bool ReadMvhd(ReadOnlySpan<byte> mvhd, out TimeSpan duration)
    {
        duration = default;
        ulong timescale, units;
        if (mvhd[0] == 1)
        {
            if (mvhd.Length < 32) return false;
            timescale = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mvhd[20..]);
            units = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(mvhd[24..]);
        }
        else
        {
            timescale = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mvhd[12..]);
            units = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mvhd[16..]);
        }

        // "Unknown" (all ones) or beyond a day: no duration to judge by.
        var seconds = (double)units / timescale;
        if (timescale == 0 || units == uint.MaxValue || units == ulong.MaxValue || seconds > TimeSpan.FromDays(1).TotalSeconds) return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>The content of the first box of <paramref name="type"/> among the boxes of <paramref name="data"/>, if whole.</summary>
    private static ReadOnlySpan<byte> FindBox(ReadOnlySpan<byte> data, ReadOnlySpan<byte> type)
    {
        var i = 0;
        while (i + 8 <= data.Length)
        {
            long size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
            var header = 8;
            if (size == 1)
            {
                if (i + 16 > data.Length) return default;
                size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(data[(i + 8)..]);
                header = 16;
            }
            else if (size == 0)
            {
                size = data.Length - i;
            }

            if (size < header) return default;
            if (data.Slice(i + 4, 4).SequenceEqual(type)) return i + size <= data.Length ? data.Slice(i + header, (int)size - header) : default;
            if (i + size > data.Length) return default;
            i += (int)size;
        }

        return default;
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
