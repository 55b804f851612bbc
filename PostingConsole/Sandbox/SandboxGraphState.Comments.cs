using System.Collections.Concurrent;

namespace PostingConsole.Sandbox;

/// <summary>The comments on each media, and the places an optional field can name (locations, the length of the Sandbox's videos).</summary>
public sealed partial class SandboxGraphState
{
    private readonly ConcurrentDictionary<string, List<SandboxComment>> comments = new();

    /// <summary>Facebook Pages with a location the Sandbox knows (<c>location_id</c>); any other id is refused as Meta refuses a Page without one.</summary>
    public static readonly IReadOnlyDictionary<string, string> Locations = new Dictionary<string, string>
    {
        ["106377336067638"] = "서울 성수동",
        ["110585132296461"] = "부산 해운대",
        ["112409412113337"] = "제주 애월",
        ["108259475871818"] = "Seoul, South Korea",
    };

    /// <summary>How long the Sandbox's videos play: a <c>thumb_offset</c> at or past it is refused (1/2207057).</summary>
    public int VideoLengthMs { get; set; } = 15_000;

    /// <summary>Adds a comment by the account to the media (what <c>POST /{ig-media-id}/comments</c> makes).</summary>
    public SandboxComment AddComment(string mediaId, string text, string igUserId)
    {
        var comment = new SandboxComment(NewId(), mediaId, text, igUserId, $"sandbox_{igUserId}", Now);
        var list = comments.GetOrAdd(mediaId, _ => []);
        lock (list) list.Add(comment);
        return comment;
    }

    /// <summary>The media's comments, newest first (as Meta lists them).</summary>
    public IReadOnlyList<SandboxComment> CommentsOf(string mediaId)
    {
        if (!comments.TryGetValue(mediaId, out var list)) return [];
        lock (list) return list.OrderByDescending(c => c.At).ThenByDescending(c => long.Parse(c.Id, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    private volatile TaskCompletionSource? commentHold;

    /// <summary>
    /// Meta stalls right after making a comment: its answer (and every call after it) waits until the result is disposed. A crash
    /// between the comment and its answer is played so.
    /// </summary>
    public IDisposable HoldAnswersAfterComment()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        commentHold = gate;
        return new Released(() =>
        {
            commentHold = null;
            if (held == gate) held = null;
            gate.TrySetResult();
        });
    }

    /// <summary>A comment was made: with a hold set, every answer from now on waits for it.</summary>
    internal Task CommentMadeAsync(CancellationToken cancellationToken)
    {
        if (commentHold is not { } gate) return Task.CompletedTask;
        held = gate;
        return gate.Task.WaitAsync(cancellationToken);
    }
}
