namespace PostingConsole.Sandbox;

/// <summary>What Meta checks on a feed image: JPEG, at most 8 MiB, aspect ratio between 4:5 and 1.91:1.</summary>
public static class JpegInspector
{
    public const long MaxBytes = Publishing.ImageProbe.MaxBytes;
    public const double MinAspect = 4.0 / 5.0;
    public const double MaxAspect = 1.91;

    /// <summary>Reads width and height from the first start-of-frame marker; false when the bytes are not a JPEG.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> data, out int width, out int height)
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
                return width > 0 && height > 0 && HasEnd(data);
            }

            i += 2 + length;
        }

        return false;
    }

    private static bool HasEnd(ReadOnlySpan<byte> data) => data.Length >= 2 && data[^2] == 0xFF && data[^1] == 0xD9;
}
