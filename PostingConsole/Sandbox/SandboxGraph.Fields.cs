using System.Globalization;
using System.Text.Json;
using PostingConsole.Domain;

namespace PostingConsole.Sandbox;

/// <summary>
/// The optional fields of <c>POST /{ig-user-id}/media</c> (docs/instagram.md#optional-fields), taken and refused as Meta does: which
/// container takes which field, JSON lists (<c>user_tags</c>, <c>collaborators</c>) and objects (<c>trial_params</c>), at most 3
/// collaborators, tags placed within 0–1, a username Meta cannot load (110/2207018, as a leading <c>@</c>), a location only from a
/// Page that has one, a thumbnail offset within the video (1/2207057). Where Meta's exact wording is not on record the refusal is
/// its usual <c>(#100)</c> bad parameter, naming the field.
/// </summary>
public static partial class SandboxGraph
{
    /// <summary>The fields of a container of <paramref name="mediaType"/>; a refusal when Meta would refuse one.</summary>
    private static IResult? ReadFields(IFormCollection form, string mediaType, bool isItem, bool isVideo, SandboxGraphState state, out SandboxFields fields)
    {
        fields = SandboxFields.None;
        var what = isItem ? "carousel child" : mediaType switch
        {
            "STORIES" => "story",
            "REELS" => "reel",
            "CAROUSEL" => "carousel",
            _ => "image",
        };
        var isImage = !isVideo && mediaType is "" or "IMAGE" or "STORIES";
        string? Field(string name) => form.TryGetValue(name, out var value) && value.ToString().Length > 0 ? value.ToString() : null;
        IResult NotFor(string name) => SandboxErrors.BadParameter(isItem
            ? $"The param {name} is not allowed for carousel child"
            : $"The param {name} is not supported for a {what}");

        var ai = Field("is_ai_generated");
        if (ai is not null && isItem) return NotFor("is_ai_generated");
        if (ai is not null and not ("true" or "false")) return SandboxErrors.BadParameter("Param is_ai_generated must be a boolean");

        // Alt text: images only (a photo, a carousel's image child); not a reel, a story or a video (since 2025-03-24).
        var alt = Field("alt_text");
        if (alt is not null && (isVideo || mediaType is "STORIES" or "REELS" or "CAROUSEL")) return NotFor("alt_text");

        List<UserTag>? tags = null;
        if (Field("user_tags") is { } tagJson)
        {
            if (mediaType == "CAROUSEL" || (isItem && isVideo)) return NotFor("user_tags");
            if (ReadTags(tagJson, placed: isImage && mediaType != "STORIES", out tags) is { } refused) return refused;
        }

        List<string>? collaborators = null;
        if (Field("collaborators") is { } names)
        {
            if (isItem || mediaType == "STORIES") return NotFor("collaborators");
            try
            {
                collaborators = JsonSerializer.Deserialize<List<string>>(names);
            }
            catch (JsonException)
            {
                return SandboxErrors.BadParameter("Param collaborators must be an array of usernames");
            }

            if (collaborators is null) return SandboxErrors.BadParameter("Param collaborators must be an array of usernames");
            if (collaborators.Count > PostFieldRules.MaxCollaborators)
                return SandboxErrors.BadParameter($"Param collaborators must have at most {PostFieldRules.MaxCollaborators} elements");
            if (collaborators.FirstOrDefault(n => !PostFieldRules.IsUsername(n)) is { } unknown) return SandboxErrors.InvalidUser(unknown);
        }

        var location = Field("location_id");
        string? place = null;
        if (location is not null)
        {
            if (isItem || mediaType == "STORIES") return NotFor("location_id");
            if (!SandboxGraphState.Locations.TryGetValue(location, out place)) return SandboxErrors.InvalidLocation(location);
        }

        int? thumbOffset = null;
        if (Field("thumb_offset") is { } offset)
        {
            if (!isVideo) return NotFor("thumb_offset");
            if (!int.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms >= state.VideoLengthMs)
                return SandboxErrors.ThumbOffset(state.VideoLengthMs);
            thumbOffset = ms;
        }

        var audio = Field("audio_name");
        if (audio is not null && mediaType != "REELS") return NotFor("audio_name");

        string? trial = null;
        if (Field("trial_params") is { } trialJson)
        {
            if (mediaType != "REELS") return NotFor("trial_params");
            try
            {
                using var json = JsonDocument.Parse(trialJson);
                trial = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("graduation_strategy", out var strategy)
                    ? strategy.GetString()
                    : null;
            }
            catch (JsonException)
            {
                trial = null;
            }

            if (trial is not ("MANUAL" or "SS_PERFORMANCE"))
                return SandboxErrors.BadParameter("Param trial_params['graduation_strategy'] must be one of {MANUAL, SS_PERFORMANCE}");
        }

        fields = new SandboxFields(ai == "true", alt, tags, collaborators, location, place, thumbOffset, audio, trial);
        return null;
    }

    /// <param name="placed">On a feed image each tag needs x and y; a story's or a reel's may leave them out.</param>
    private static IResult? ReadTags(string json, bool placed, out List<UserTag>? tags)
    {
        tags = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return SandboxErrors.BadParameter("Param user_tags must be a JSON array of {username, x, y}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array) return SandboxErrors.BadParameter("Param user_tags must be a JSON array of {username, x, y}");
            var list = new List<UserTag>();
            var i = 0;
            foreach (var tag in document.RootElement.EnumerateArray())
            {
                if (tag.ValueKind != JsonValueKind.Object || !tag.TryGetProperty("username", out var name) || name.ValueKind != JsonValueKind.String)
                    return SandboxErrors.BadParameter($"Param user_tags[{i}]['username'] is required");
                var username = name.GetString()!;
                if (!PostFieldRules.IsUsername(username)) return SandboxErrors.InvalidUser(username);
                double? x = null, y = null;
                foreach (var (axis, set) in new (string, Action<double>)[] { ("x", v => x = v), ("y", v => y = v) })
                {
                    if (!tag.TryGetProperty(axis, out var value))
                    {
                        if (placed) return SandboxErrors.BadParameter($"Param user_tags[{i}]['{axis}'] is required");
                        continue;
                    }

                    if (value.ValueKind != JsonValueKind.Number) return SandboxErrors.BadParameter($"Param user_tags[{i}]['{axis}'] must be a number");
                    var number = value.GetDouble();
                    if (number > 1) return SandboxErrors.BadParameter($"Param user_tags[{i}]['{axis}'] must be a number less than or equal to 1");
                    if (number < 0) return SandboxErrors.BadParameter($"Param user_tags[{i}]['{axis}'] must be a number greater than or equal to 0");
                    set(number);
                }

                list.Add(new UserTag(username, x, y));
                i++;
            }

            if (list.Count > PostFieldRules.MaxUserTags) return SandboxErrors.BadParameter($"Param user_tags must have at most {PostFieldRules.MaxUserTags} elements");
            tags = list;
            return null;
        }
    }
}
