namespace PostingConsole.Domain;

/// <summary>What the readiness check concluded of an upcoming post (shown as 준비됨 / 주의 / 문제).</summary>
public enum ReadinessState
{
    Ready,
    Warning,
    Blocked,
}

/// <summary>The problems the readiness check finds (docs/readiness.md); API names, stable.</summary>
public enum ReadinessCode
{
    MediaUnreachable,
    MediaNotJpeg,
    MediaTooLarge,
    AspectRatio,
    VideoSpec,
    CaptionRules,
    TokenInvalid,
    TokenExpiring,
    PermissionMissing,
    PersonaNotActive,
    OutsideWindow,
    OverQuota,
    OverHourlyLimit,
    DuplicateImage,
    DuplicateCaption,
}

/// <param name="Field">The post's field the problem is in (<c>imageUrl</c>, <c>items[1]</c>, <c>caption</c>), when it is in one.</param>
/// <param name="Detail">What was found, in plain words (an HTTP status, a size, the other post's id): shown beside the code's wording.</param>
/// <param name="Blocks">
/// Whether the post cannot go out as it stands (its state is then Blocked). A duplicate blocks only under
/// <c>Readiness:DuplicatePolicy</c> <c>Hold</c>, an unreachable URL only without a local file to fall back on.
/// </param>
public sealed record ReadinessProblem(ReadinessCode Code, string? Field = null, string? Detail = null, bool Blocks = false)
{
    /// <summary>A problem found in the post's files (fetched), not in its caption, persona, capacity or duplicates.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsAboutMedia => Code is ReadinessCode.MediaUnreachable or ReadinessCode.MediaNotJpeg or ReadinessCode.MediaTooLarge
        or ReadinessCode.AspectRatio or ReadinessCode.VideoSpec;
}

/// <summary>
/// The readiness check's last verdict on a post (one row per post, written by the check alone, so it never races the post's
/// own writes). <see cref="ContentKey"/> names the content it was made for: a verdict whose key differs from the post's
/// current <see cref="Post.ReadinessKey"/> is about an older version of the post and decides nothing.
/// </summary>
public sealed class PostReadiness
{
    public int PostId { get; set; }
    public int PersonaId { get; set; }
    public ReadinessState State { get; set; }
    public List<ReadinessProblem> Problems { get; set; } = [];
    public DateTime CheckedAt { get; set; }

    /// <summary>When the post's files were last fetched and checked (the verdict itself is renewed whenever it changes).</summary>
    public DateTime MediaCheckedAt { get; set; }

    /// <summary>The post's <see cref="Post.ReadinessKey"/> when checked.</summary>
    public string ContentKey { get; set; } = "";

    /// <summary>When the post was due at the check (a post moved into the last minutes before its time is checked again).</summary>
    public DateTime DueAt { get; set; }

    /// <summary>The 64-bit perceptual hash of the post's (first) image, for duplicates across personas; null without a readable image.</summary>
    public long? ImageHash { get; set; }

    /// <summary>The image's average colour (0xRRGGBB), kept with <see cref="ImageHash"/> (a hash sees light and shade only).</summary>
    public int? ImageColor { get; set; }

    /// <summary>The normalised caption's hash, for duplicates across personas; null for a caption too short to count.</summary>
    public string? CaptionKey { get; set; }

    public static ReadinessState StateOf(IReadOnlyCollection<ReadinessProblem> problems) =>
        problems.Any(p => p.Blocks) ? ReadinessState.Blocked : problems.Count > 0 ? ReadinessState.Warning : ReadinessState.Ready;

    /// <summary>The first blocking problem, in the order the check found them (media, caption, persona, capacity, duplicates).</summary>
    public ReadinessProblem? Blocking => Problems.FirstOrDefault(p => p.Blocks);
}
