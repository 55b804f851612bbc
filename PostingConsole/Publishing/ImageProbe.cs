namespace PostingConsole.Publishing;

/// <summary>
/// Checks that a CDN image answers before Meta is asked to fetch it, so an unreachable CDN falls back to
/// the local file at once. Only http/https, a short timeout, no body read beyond the headers, and an answer
/// that declares more than Meta accepts (8 MiB) counts as unusable.
/// </summary>
public sealed class ImageProbe(HttpClient http, GraphClock clock)
{
    public static readonly TimeSpan Timeout = Configuration.GraphOptions.ImageProbeTimeout;
    /// <summary>The largest image Meta accepts (docs/instagram.md#media-limits: JPEG, at most 8 MiB).</summary>
    public const long MaxBytes = Domain.MediaFormats.ImageMaxBytes;

    public Task<bool> IsReachableAsync(string url, CancellationToken cancellationToken) => IsReachableAsync(url, MaxBytes, cancellationToken);

    /// <summary>The CDN answers for the file, and does not declare more than <paramref name="maxBytes"/> (a video's limit is larger).</summary>
    public async Task<bool> IsReachableAsync(string url, long maxBytes, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)) return false;
        using var cap = new CancellationTokenSource(Timeout, clock.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cap.Token);
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode && (response.Content.Headers.ContentLength is null || response.Content.Headers.ContentLength <= maxBytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
