using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Publishing;

namespace PostingConsole.Readiness;

/// <param name="Problem">What Meta would refuse of the file, or an unreachable URL the publisher would fall back from; null when fine.</param>
/// <param name="Image">The image's fingerprint (<see cref="PerceptualHash"/>), for duplicates; null for a video or an unreadable image.</param>
public sealed record MediaInspection(ReadinessProblem? Problem, ImageFingerprint? Image);

/// <summary>
/// Fetches a post's file as Meta's crawler does (its user agent, redirects, no cookies) and checks what Meta would refuse
/// (docs/readiness.md#media): the answer's status, the size, JPEG for images and the placement's aspect ratio, an MP4/MOV
/// container and a video's duration where its index comes first. An image is read whole (at most 8 MiB: the hash needs it),
/// a video's first MiB only. In Live mode it connects to public addresses only, as the publisher's image probe does.
/// An unreachable URL with a usable local file is a warning: the publisher sends the local file instead. Only a definite answer
/// blocks (the server says 4xx, but not 408, 425 or 429, which say "later": Meta's fetcher gets the same); a timeout, a 5xx or a refused connection may pass by the post's
/// minute and is a warning (the publisher then meets it, and retries as it always has).
/// </summary>
public sealed class MediaInspector(HttpClient http, MediaFiles files, GraphClock clock)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public async Task<MediaInspection> InspectAsync(string field, MediaSource source, MediaType placement, CancellationToken cancellationToken)
    {
        if (source.Url is null || source.UseLocalFile) return InspectLocal(field, source, placement, unreachableUrl: null);

        var download = await DownloadAsync(source.Url, placement, source.IsVideo, cancellationToken);
        if (download.Unreachable is not { } why) return Judge(field, download.Bytes, download.Length, placement, source.IsVideo);
        return source.Path is null
            ? new MediaInspection(new ReadinessProblem(ReadinessCode.MediaUnreachable, field, why, Blocks: download.Definite), null)
            : InspectLocal(field, source, placement, unreachableUrl: why);
    }

    /// <summary>The local file, sent when there is no URL, or instead of an unreachable one (then still a warning about the URL).</summary>
    private MediaInspection InspectLocal(string field, MediaSource source, MediaType placement, string? unreachableUrl)
    {
        var full = "";
        var error = "";
        if (source.Path is null || !files.TryResolve(source.Path, out full, out error))
        {
            var missing = source.Path is null ? "no file" : $"local file {error}";
            return new MediaInspection(new ReadinessProblem(ReadinessCode.MediaUnreachable, field, unreachableUrl is null ? missing : $"{unreachableUrl}; {missing}", Blocks: true), null);
        }

        long length;
        byte[] bytes;
        try
        {
            length = new FileInfo(full).Length;
            using var stream = File.OpenRead(full);
            bytes = new byte[Math.Min(length, source.IsVideo ? MediaFormats.VideoHeadBytes : MediaFormats.ImageMaxBytes + 1)];
            stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Removed or made unreadable since it was resolved: as missing, for this pass.
            return new MediaInspection(new ReadinessProblem(ReadinessCode.MediaUnreachable, field, "local file cannot be read", Blocks: unreachableUrl is null), null);
        }

        var judged = Judge(field, bytes, length, placement, source.IsVideo);
        return judged.Problem is null && unreachableUrl is not null
            ? judged with { Problem = new ReadinessProblem(ReadinessCode.MediaUnreachable, field, $"{unreachableUrl}; the local file is sent instead") }
            : judged;
    }

    private static MediaInspection Judge(string field, byte[] bytes, long length, MediaType placement, bool video)
    {
        // As intake checks a local file: bytes after a JPEG's end marker (a phone's trailer) are not a refusal of Meta's we know of.
        var problem = MediaFormats.Check(bytes, length, placement, video, whole: false) is { } found
            ? new ReadinessProblem(found.Code, field, found.Detail, Blocks: true)
            : null;
        return new MediaInspection(problem, video || problem?.Code is ReadinessCode.MediaNotJpeg or ReadinessCode.MediaTooLarge ? null : PerceptualHash.Of(bytes));
    }

    /// <param name="Definite">The server answered that the file is not there for Meta (4xx), or the URL cannot be fetched at all.</param>
    private sealed record Download(byte[] Bytes, long Length, string? Unreachable, bool Definite = false);

    private async Task<Download> DownloadAsync(string url, MediaType placement, bool video, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return new Download([], 0, "not an http or https URL", Definite: true);
        using var cap = new CancellationTokenSource(Timeout, clock.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cap.Token);
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) return new Download([], 0, $"the URL answers HTTP {status}", Definite: status is >= 400 and < 500 and not (408 or 425 or 429));
            var max = MediaFormats.MaxBytes(placement, video);
            var declared = response.Content.Headers.ContentLength;
            if (declared > max) return new Download([], declared.Value, null); // too large: judged without reading it

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var limit = video ? MediaFormats.VideoHeadBytes : (int)max + 1;
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while (buffer.Length < limit && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), timeout.Token)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }

            return new Download(buffer.ToArray(), declared ?? buffer.Length, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return new Download([], 0, ex is TaskCanceledException ? $"the URL did not answer within {Timeout.TotalSeconds:0} s" : "the URL cannot be fetched");
        }
    }
}
