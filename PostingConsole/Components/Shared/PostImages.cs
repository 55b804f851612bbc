using PostingConsole.Domain;
using PostingConsole.Security;

namespace PostingConsole.Components.Shared;

public static class PostImages
{
    /// <summary>What the browser shows for a post: the local copy (a signed link) when there is one, else the CDN URL.</summary>
    public static string? ThumbnailFor(Post post, MediaUrls urls) =>
        post.ImagePath is { } path ? "/" + urls.PathAndQuery(path) : post.ImageUrl;
}
