using PostingConsole.Operations;

namespace PostingConsole.Api;

/// <summary>
/// Serves files of <c>Media:LocalRoot</c> at <c>/media/{path}</c>, without an API key: Meta's fetcher
/// downloads local images from here. Only files inside the root are served.
/// </summary>
public static class MediaEndpoints
{
    public const string Prefix = "/media/";

    public static WebApplication MapMediaEndpoints(this WebApplication app)
    {
        app.MapGet("/media/{**path}", (string path, MediaFiles media) =>
            media.TryResolve(path, out var fullPath, out _)
                ? Results.File(fullPath, ContentTypeFor(fullPath), enableRangeProcessing: false)
                : Results.NotFound())
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static string ContentTypeFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
