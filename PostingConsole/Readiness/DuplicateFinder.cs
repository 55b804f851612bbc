using PostingConsole.Configuration;

namespace PostingConsole.Readiness;

/// <summary>
/// The checked posts within <c>Readiness:DuplicateWindow</c> of a pass, and what duplicates a post among them: the earliest post of
/// another persona within the window with the same picture (<see cref="ImageFingerprint.SameImage"/>: a scan, made only for the
/// posts whose media was fetched this pass) or the same caption key (a lookup). <c>Off</c> finds nothing.
/// </summary>
public sealed class DuplicateFinder
{
    private readonly TimeSpan window;
    private readonly bool off;
    private readonly List<NearbyPost> images;
    private readonly Dictionary<string, List<NearbyPost>> captions;

    public DuplicateFinder(IEnumerable<NearbyPost> posts, ReadinessOptions options)
    {
        window = options.DuplicateWindow;
        off = options.DuplicatePolicy == DuplicatePolicy.Off;
        var all = posts.OrderBy(p => p.At).ThenBy(p => p.PostId).ToList();
        images = all.Where(p => p.Image is not null).ToList();
        captions = all.Where(p => p.CaptionKey is not null).GroupBy(p => p.CaptionKey!).ToDictionary(g => g.Key, g => g.ToList());
    }

    public NearbyPost? SameImage(NearbyPost post) =>
        off || post.Image is not { } fingerprint ? null : images.FirstOrDefault(n => Near(post, n) && fingerprint.SameImage(n.Image!.Value));

    public NearbyPost? SameCaption(NearbyPost post) =>
        off || post.CaptionKey is not { } key || !captions.TryGetValue(key, out var same) ? null : same.FirstOrDefault(n => Near(post, n));

    private bool Near(NearbyPost post, NearbyPost other) =>
        other.PersonaId != post.PersonaId && other.PostId != post.PostId && (other.At - post.At).Duration() <= window;
}
