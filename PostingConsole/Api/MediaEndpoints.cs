using PostingConsole.Operations;
using PostingConsole.Security;

namespace PostingConsole.Api;

/// <summary>
/// Serves files of <c>Media:LocalRoot</c> at <c>/media/{path}?t=…</c>, without a key or a sign-in: Meta's fetcher
/// downloads local images from here. Only by a signed, unexpired link (<see cref="MediaUrls"/>; else 403),
/// and only files inside the root (else 404).
/// </summary>
public static class MediaEndpoints
{
    public static WebApplication MapMediaEndpoints(this WebApplication app)
    {
        app.MapGet("/media/{**path}", (string path, [Microsoft.AspNetCore.Mvc.FromQuery(Name = MediaUrls.TokenParameter)] string? token, MediaUrls urls, MediaFiles media) =>
                !urls.Verify(path, token) ? Results.StatusCode(StatusCodes.Status403Forbidden)
                : media.TryResolve(path, out var fullPath, out _) ? Results.File(fullPath, ContentTypeFor(fullPath), enableRangeProcessing: true)
                : Results.NotFound())
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static string ContentTypeFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".mp4" => "video/mp4",
        ".mov" => "video/quicktime",
        _ => "application/octet-stream",
    };
}
