using System.Text.Json.Serialization;

namespace PostingConsole.Domain;

/// <summary>
/// What kind of Instagram post a post is (the HTTP API's (docs/architecture.md#the-api) <c>mediaType</c>). Each counts as one post against every limit.
/// </summary>
public enum MediaType
{
    /// <summary>A feed photo: one image.</summary>
    [JsonStringEnumMemberName("IMAGE")] Image,

    /// <summary>A story: one image or one video; the caption is not shown; it lives 24 hours.</summary>
    [JsonStringEnumMemberName("STORIES")] Stories,

    /// <summary>A reel: one video, an optional cover image, shown in the feed too unless <see cref="Post.ShareToFeed"/> is false.</summary>
    [JsonStringEnumMemberName("REELS")] Reels,

    /// <summary>2–10 images or videos (<see cref="Post.Items"/>) under one caption.</summary>
    [JsonStringEnumMemberName("CAROUSEL")] Carousel,
}

/// <summary>
/// One file Meta downloads for a post: a photo or a video, from a CDN URL, or from a local file under
/// <c>Media:LocalRoot</c> that the console serves by a signed link (and falls back to when the CDN cannot be fetched).
/// </summary>
public sealed record MediaSource(string? Url, string? Path, bool IsVideo, bool UseLocalFile)
{
    /// <summary>The local file is what goes to Meta: there is no URL, or the CDN could not be fetched.</summary>
    public bool SendsLocalFile => Url is null || UseLocalFile;
}

/// <summary>
/// One child of a carousel, in order. Its container id is stored as soon as Meta gives it, so a run that stops between
/// the children and the parent reuses it (a child container makes nothing public; only the parent is published).
/// </summary>
public sealed class PostItem
{
    public string? ImageUrl { get; set; }
    public string? ImagePath { get; set; }
    public string? VideoUrl { get; set; }
    public string? VideoPath { get; set; }

    /// <summary>The child container made for this item (null until made, or after it was lost, expired or errored).</summary>
    public string? ContainerId { get; set; }

    /// <summary>When <see cref="ContainerId"/> was made: a child container is reused only while it is surely unexpired.</summary>
    public DateTime? ContainerCreatedAt { get; set; }

    /// <summary>Set when the CDN URL could not be fetched and the console serves the local file instead.</summary>
    public bool UseLocalFile { get; set; }

    public bool IsVideo => VideoUrl is not null || VideoPath is not null;

    public MediaSource Source => IsVideo ? new(VideoUrl, VideoPath, true, UseLocalFile) : new(ImageUrl, ImagePath, false, UseLocalFile);

    /// <summary>Meta keeps a container 24 hours; one made more than 23 hours ago is not sent again.</summary>
    public bool HasUsableContainer(DateTime now) => ContainerId is not null && ContainerCreatedAt > now.AddHours(-23);

    public void ForgetContainer()
    {
        ContainerId = null;
        ContainerCreatedAt = null;
    }

    public static PostItem Image(string? url, string? path) => new() { ImageUrl = url, ImagePath = path };

    public static PostItem Video(string? url, string? path) => new() { VideoUrl = url, VideoPath = path };

    public PostItem Copy() => new() { ImageUrl = ImageUrl, ImagePath = ImagePath, VideoUrl = VideoUrl, VideoPath = VideoPath };
}

/// <summary>What a new post carries to Instagram, apart from its caption (validated at intake, per <see cref="MediaType"/>).</summary>
public sealed record PostContent(
    MediaType MediaType,
    string? ImageUrl = null,
    string? ImagePath = null,
    string? VideoUrl = null,
    string? VideoPath = null,
    string? CoverUrl = null,
    bool ShareToFeed = true,
    IReadOnlyList<PostItem>? Items = null)
{
    public static PostContent Image(string? url, string? path) => new(MediaType.Image, url, path);
}

/// <summary>the HTTP API's (docs/architecture.md#the-api) names of <see cref="MediaType"/>: <c>IMAGE</c>, <c>STORIES</c>, <c>REELS</c>, <c>CAROUSEL</c>.</summary>
public static class MediaTypes
{
    public static readonly IReadOnlyList<MediaType> All = Enum.GetValues<MediaType>();

    public static string Name(MediaType type) => type switch
    {
        MediaType.Stories => "STORIES",
        MediaType.Reels => "REELS",
        MediaType.Carousel => "CAROUSEL",
        _ => "IMAGE",
    };

    public static bool TryParse(string? value, out MediaType type)
    {
        type = MediaType.Image;
        if (value is null) return true;
        foreach (var candidate in All)
        {
            if (!string.Equals(Name(candidate), value, StringComparison.OrdinalIgnoreCase)) continue;
            type = candidate;
            return true;
        }

        return false;
    }
}
