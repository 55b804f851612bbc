using PostingConsole.Api;
using PostingConsole.Domain;

namespace PostingConsole.Components.Shared;

public static class PostImages
{
    /// <summary>What the browser shows for a post: the local copy when there is one, else the CDN URL.</summary>
    public static string? ThumbnailFor(Post post) =>
        post.ImagePath is { } path ? MediaEndpoints.Prefix + Uri.EscapeDataString(path).Replace("%2F", "/") : post.ImageUrl;
}
