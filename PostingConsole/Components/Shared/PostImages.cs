using PostingConsole.Domain;
using PostingConsole.Security;

namespace PostingConsole.Components.Shared;

/// <summary>Where the browser loads a post's media from: the local copy (a signed link) when there is one, else the CDN URL.</summary>
public static class PostImages
{
    /// <summary>The picture shown for a post: its photo, a carousel's first image, a reel's cover; null for a video alone.</summary>
    public static string? ThumbnailFor(Post post, MediaUrls urls) => post.MediaType switch
    {
        MediaType.Carousel => post.Items.Where(i => !i.IsVideo).Select(i => UrlOf(i.Source, urls)).FirstOrDefault(),
        MediaType.Reels => post.CoverUrl,
        _ when post.Media.IsVideo => null,
        _ => UrlOf(post.Media, urls),
    };

    /// <summary>
    /// The video whose first frame stands for a post without a picture (a video story, a reel without a cover, a carousel of
    /// videos), when the console serves it (a CDN's video is no source the screens' content policy allows).
    /// </summary>
    public static string? VideoFor(Post post, MediaUrls urls)
    {
        var video = post.MediaType == MediaType.Carousel ? post.Items.Where(i => i.IsVideo).Select(i => i.Source).FirstOrDefault()
            : post.Media.IsVideo ? post.Media : null;
        return video is { Path: not null } ? UrlOf(video, urls) : null;
    }

    /// <summary>A photo or video as the browser loads it.</summary>
    public static string? UrlOf(MediaSource source, MediaUrls urls) => source.Path is { } path ? "/" + urls.PathAndQueryForScreens(path) : source.Url;
}
