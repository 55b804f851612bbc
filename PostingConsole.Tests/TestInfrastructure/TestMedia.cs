namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>Media files as Meta's checks (and the console's intake) read them: a JPEG's frame header and end, an MP4's first box.</summary>
public static class TestMedia
{
    /// <summary>The smallest byte sequence that reads as a whole JPEG of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static byte[] Jpeg(int width, int height) =>
    [
        0xFF, 0xD8, // SOI
        0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03,
        0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, // SOF0: three components
        0xFF, 0xD9, // EOI
    ];

    /// <summary>The start of an MP4 file: an <c>ftyp</c> box.</summary>
    public static byte[] Mp4() => [0x00, 0x00, 0x00, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m',
        0x00, 0x00, 0x02, 0x00, (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'1'];

    public static async Task WriteAsync(string root, string relativePath, byte[] bytes)
    {
        var full = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllBytesAsync(full, bytes);
    }
}
