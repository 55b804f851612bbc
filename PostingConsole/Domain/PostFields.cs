using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PostingConsole.Domain;

/// <summary>
/// Someone tagged on an image, a reel or a story (Meta's <c>user_tags</c>): <see cref="X"/> and <see cref="Y"/> are the tag's place
/// from the image's top left, each 0–1; a feed image (and a carousel's image item) needs both, a story or a reel neither.
/// </summary>
public sealed record UserTag(string Username, double? X = null, double? Y = null);

/// <summary>A reel shown to non-followers first (Meta's <c>trial_params.graduation_strategy</c>).</summary>
public enum TrialReel
{
    /// <summary>The operator shares it with followers by hand in the app.</summary>
    [JsonStringEnumMemberName("MANUAL")] Manual,

    /// <summary>Instagram shares it with followers when it performs well.</summary>
    [JsonStringEnumMemberName("SS_PERFORMANCE")] SsPerformance,
}

/// <summary>A carousel item's own fields: alt text and tags go on each image child, not on the carousel.</summary>
public sealed record ItemFields(string? AltText = null, IReadOnlyList<UserTag>? UserTags = null)
{
    public bool IsEmpty => AltText is null && UserTags is null;
}

/// <summary>
/// What a post carries to Instagram beside its media and caption (api.md "Post fields"; Meta's rules: docs/instagram.md#optional-fields).
/// Stored whole as one JSON column. <see cref="Items"/> lines up with <see cref="Post.Items"/> (a carousel's children).
/// </summary>
public sealed record PostFields(
    string? AltText = null,
    IReadOnlyList<UserTag>? UserTags = null,
    IReadOnlyList<string>? Collaborators = null,
    string? LocationId = null,
    int? ThumbOffsetMs = null,
    string? AudioName = null,
    TrialReel? TrialReel = null,
    IReadOnlyList<ItemFields>? Items = null)
{
    public static readonly PostFields None = new();

    public bool IsEmpty => AltText is null && UserTags is null && Collaborators is null && LocationId is null && ThumbOffsetMs is null
                           && AudioName is null && TrialReel is null && (Items is null || Items.All(i => i.IsEmpty));

    /// <summary>Carousel item <paramref name="index"/>'s fields (none when it has none).</summary>
    public ItemFields Item(int index) => Items is { } items && index < items.Count ? items[index] : new ItemFields();

    /// <summary>Usernames as Meta takes them: trimmed, without a leading <c>@</c> (Meta refuses one with 2207018), duplicates dropped.</summary>
    public PostFields Normalized() => this with
    {
        AltText = Blank(AltText),
        UserTags = UserTags?.Select(Normalize).ToList(),
        Collaborators = Collaborators?.Select(Username).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
        LocationId = Blank(LocationId),
        AudioName = Blank(AudioName),
        Items = Items?.Select(i => i with { AltText = Blank(i.AltText), UserTags = i.UserTags?.Select(Normalize).ToList() }).ToList(),
    };

    private static UserTag Normalize(UserTag tag) => tag with { Username = Username(tag.Username) };

    private static string Username(string? name) => (name ?? "").Trim().TrimStart('@').Trim();

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>The fields' JSON column (and comparison): camelCase, nulls left out, enums by Meta's names.</summary>
public static class PostFieldsJson
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        // Korean text stays one character a letter (the default escapes each as \uXXXX, six times the room).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(PostFields fields) => System.Text.Json.JsonSerializer.Serialize(fields, Options);

    public static PostFields Deserialize(string json) => System.Text.Json.JsonSerializer.Deserialize<PostFields>(json, Options) ?? PostFields.None;

    public static bool Same(PostFields a, PostFields b) => Serialize(a) == Serialize(b);
}

/// <summary>
/// Meta's rules for the optional fields (docs/instagram.md#optional-fields), checked at intake and on every edit, so what reaches
/// a container call is what Meta takes. Each problem names its field as the API does (<c>altText</c>, <c>items[1].userTags[0].x</c>).
/// </summary>
public static partial class PostFieldRules
{
    public const int MaxCollaborators = 3;

    /// <summary>Tags on one image: the caption's own limit of @mentions (Meta counts a tag as one).</summary>
    public const int MaxUserTags = PostCaption.MaxMentions;

    /// <summary>The console's limit for alt text (Meta names none; screen readers read far less).</summary>
    public const int MaxAltText = 1000;

    /// <summary>The console's limit for a reel's audio name (Meta names none).</summary>
    public const int MaxAudioName = 100;

    public const int MaxFirstComment = PostCaption.MaxLength;

    /// <summary>What Meta would refuse in <paramref name="fields"/> and <paramref name="firstComment"/> on a post of <paramref name="type"/>.</summary>
    /// <param name="itemIsVideo">A carousel's children, in order: true for a video child.</param>
    public static IReadOnlyList<(string Field, string Message)> Check(MediaType type, PostFields fields, string? firstComment, IReadOnlyList<bool> itemIsVideo)
    {
        var problems = new List<(string, string)>();
        void Add(string field, string message) => problems.Add((field, $"{field}: {message}"));
        var name = MediaTypes.Name(type);

        if (fields.AltText is { } alt)
        {
            if (type == MediaType.Carousel) Add("altText", "a carousel takes alt text on each image item (items[i].altText).");
            else if (type != MediaType.Image) Add("altText", $"Instagram takes alt text on images only (IMAGE, carousel image items), not on {name}.");
            else if (PostCaption.Length(alt) > MaxAltText) Add("altText", $"at most {MaxAltText} characters.");
        }

        if (fields.UserTags is { } tags)
        {
            if (type == MediaType.Carousel) Add("userTags", "a carousel takes tags on each image item (items[i].userTags).");
            else CheckTags("userTags", tags, placed: type == MediaType.Image, Add);
        }

        if (fields.Collaborators is { } collaborators)
        {
            if (type == MediaType.Stories) Add("collaborators", "Instagram takes collaborators on IMAGE, REELS and CAROUSEL posts, not on STORIES.");
            else if (collaborators.Count > MaxCollaborators) Add("collaborators", $"at most {MaxCollaborators}; {collaborators.Count} given.");
            for (var i = 0; i < collaborators.Count; i++)
            {
                if (!IsUsername(collaborators[i])) Add($"collaborators[{i}]", UsernameRule(collaborators[i]));
            }
        }

        if (fields.LocationId is { } location)
        {
            if (type == MediaType.Stories) Add("locationId", "Instagram takes a location on IMAGE, REELS and CAROUSEL posts, not on STORIES.");
            else if (!PageIdRegex().IsMatch(location)) Add("locationId", "the numeric id of a Facebook Page with a location.");
        }

        if (fields.ThumbOffsetMs is { } offset)
        {
            if (type != MediaType.Reels) Add("thumbOffsetMs", "only for REELS.");
            else if (offset < 0) Add("thumbOffsetMs", "milliseconds into the video, 0 or more.");
        }

        if (fields.AudioName is { } audio)
        {
            if (type != MediaType.Reels) Add("audioName", "only for REELS.");
            else if (PostCaption.Length(audio) > MaxAudioName) Add("audioName", $"at most {MaxAudioName} characters.");
        }

        if (fields.TrialReel is not null && type != MediaType.Reels) Add("trialReel", "only for REELS.");

        if (fields.Items is { } items)
        {
            if (type != MediaType.Carousel) Add("items", "item fields (altText, userTags) are only for CAROUSEL items.");
            else
            {
                for (var i = 0; i < items.Count && i < itemIsVideo.Count; i++)
                {
                    var at = $"items[{i}]";
                    if (items[i].AltText is { } itemAlt)
                    {
                        if (itemIsVideo[i]) Add($"{at}.altText", "Instagram takes alt text on image items, not on a video.");
                        else if (PostCaption.Length(itemAlt) > MaxAltText) Add($"{at}.altText", $"at most {MaxAltText} characters.");
                    }

                    if (items[i].UserTags is { } itemTags)
                    {
                        if (itemIsVideo[i]) Add($"{at}.userTags", "Instagram takes tags on a carousel's image items, not on a video.");
                        else CheckTags($"{at}.userTags", itemTags, placed: true, Add);
                    }
                }
            }
        }

        if (firstComment is not null)
        {
            if (type == MediaType.Stories) Add("firstComment", "a story takes no comments.");
            else if (string.IsNullOrWhiteSpace(firstComment)) Add("firstComment", "empty; leave it out for no comment.");
            else if (PostCaption.Length(firstComment) > MaxFirstComment) Add("firstComment", $"{PostCaption.Length(firstComment)} characters; at most {MaxFirstComment}.");
            else if (PostCaption.CountHashtags(firstComment) > PostCaption.MaxHashtags)
                Add("firstComment", $"{PostCaption.CountHashtags(firstComment)} hashtags; at most {PostCaption.MaxHashtags}.");
        }

        return problems;
    }

    /// <param name="placed">A feed image's tags need their place (x and y); a story's or a reel's may leave it out.</param>
    private static void CheckTags(string field, IReadOnlyList<UserTag> tags, bool placed, Action<string, string> add)
    {
        if (tags.Count > MaxUserTags) add(field, $"at most {MaxUserTags} tags; {tags.Count} given.");
        for (var i = 0; i < tags.Count; i++)
        {
            var at = $"{field}[{i}]";
            var tag = tags[i];
            if (!IsUsername(tag.Username)) add($"{at}.username", UsernameRule(tag.Username));
            if (placed && (tag.X is null || tag.Y is null)) add(at, "x and y (each 0–1) are required on an image.");
            else if (tag.X.HasValue != tag.Y.HasValue) add(at, "x and y go together (or neither, on a story or a reel).");
            if (tags.Take(i).Any(t => string.Equals(t.Username, tag.Username, StringComparison.OrdinalIgnoreCase))) add($"{at}.username", $"'{tag.Username}' is tagged twice.");
            if (tag.X is { } x && x is < 0 or > 1 || tag.X is { } nx && double.IsNaN(nx)) add($"{at}.x", $"{tag.X} is outside 0–1.");
            if (tag.Y is { } y && y is < 0 or > 1 || tag.Y is { } ny && double.IsNaN(ny)) add($"{at}.y", $"{tag.Y} is outside 0–1.");
        }
    }

    /// <summary>An Instagram username: 1–30 letters, digits, periods and underscores (a leading <c>@</c> is stripped before this).</summary>
    public static bool IsUsername(string? name) => name is not null && UsernameRegex().IsMatch(name);

    private static string UsernameRule(string? name) => $"'{name}' is not an Instagram username (1–30 letters, digits, '.' and '_').";

    [GeneratedRegex("^[A-Za-z0-9._]{1,30}$")]
    private static partial Regex UsernameRegex();

    [GeneratedRegex("^[0-9]{1,64}$")]
    private static partial Regex PageIdRegex();
}
