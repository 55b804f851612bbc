using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// Which container carries which optional field (docs/instagram.md#optional-fields): the AI label on every post's own container and
/// on a carousel's parent only; alt text and tags on an image (a photo, a carousel's image child); tags also on a story or a reel;
/// collaborators and the location on a photo, a reel or a carousel's parent; the reel options on a reel. Intake has refused
/// anything else (<see cref="PostFieldRules"/>), so this only places what the post holds.
/// </summary>
public static class OptionalFields
{
    /// <summary>The post's own container (a photo, a story, a reel) or a carousel's parent.</summary>
    public static ContainerFields Of(Post post)
    {
        var f = post.Fields;
        return post.MediaType switch
        {
            MediaType.Image => new(post.AiGenerated, f.AltText, f.UserTags, f.Collaborators, f.LocationId),
            MediaType.Stories => new(post.AiGenerated, UserTags: f.UserTags),
            MediaType.Reels => new(post.AiGenerated, UserTags: f.UserTags, Collaborators: f.Collaborators, LocationId: f.LocationId,
                ThumbOffsetMs: f.ThumbOffsetMs, AudioName: f.AudioName, TrialReel: f.TrialReel),
            _ => new(post.AiGenerated, Collaborators: f.Collaborators, LocationId: f.LocationId),
        };
    }

    /// <summary>A carousel child: an image's own alt text and tags (a video child takes neither; the label is on the parent).</summary>
    public static ContainerFields? OfItem(Post post, int index)
    {
        if (post.Items[index].IsVideo) return null;
        var item = post.Fields.Item(index);
        return item.IsEmpty ? null : new ContainerFields(AltText: item.AltText, UserTags: item.UserTags);
    }
}
