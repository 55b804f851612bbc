using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Operations;

namespace PostingConsole.Api;

/// <summary>Parsing of <c>scheduledAt</c>: ISO 8601 with an explicit offset, nothing else.</summary>
public static partial class IsoTime
{
    public static bool TryParse(string? value, out DateTime utc)
    {
        utc = default;
        if (value is null || !IsoWithOffset().IsMatch(value)) return false;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) return false;
        utc = parsed.UtcDateTime;
        return true;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex IsoWithOffset();
}

/// <summary><c>"slot"</c> in a new post (docs/insights.md#learned-slots): <c>"auto"</c>, or <c>{"after", "before"}</c> (ISO 8601 with offsets).</summary>
public static class SlotBody
{
    /// <summary>The longest range a slot may ask for.</summary>
    public static readonly TimeSpan LongestRange = TimeSpan.FromDays(31);

    /// <summary>Reads a slot; null when valid (<paramref name="after"/> and <paramref name="before"/> null for "auto"), else the error naming the field.</summary>
    public static string? Parse(System.Text.Json.JsonElement? slot, out DateTime? after, out DateTime? before)
    {
        after = before = null;
        switch (slot)
        {
            case { ValueKind: System.Text.Json.JsonValueKind.String } s when s.GetString() == "auto":
                return null;
            case { ValueKind: System.Text.Json.JsonValueKind.Object } o:
                if (!o.TryGetProperty("after", out var a) || a.ValueKind != System.Text.Json.JsonValueKind.String || !IsoTime.TryParse(a.GetString(), out var from))
                    return "slot.after must be ISO 8601 with an offset, e.g. 2026-11-24T18:00:00+09:00.";
                if (!o.TryGetProperty("before", out var b) || b.ValueKind != System.Text.Json.JsonValueKind.String || !IsoTime.TryParse(b.GetString(), out var to))
                    return "slot.before must be ISO 8601 with an offset, e.g. 2026-11-24T23:00:00+09:00.";
                if (to <= from) return "slot.before must be after slot.after.";
                if (to - from > LongestRange) return $"slot: a range of at most {LongestRange.TotalDays:0} days.";
                (after, before) = (from, to);
                return null;
            default:
                return "slot must be \"auto\" or {\"after\": ISO 8601, \"before\": ISO 8601}.";
        }
    }
}

/// <summary>Rules a caption shares between create and edit: the final caption as Instagram will receive it.</summary>
internal static class CaptionRules
{
    public static void Apply<T>(AbstractValidator<T> validator, Func<T, string?> caption, Func<T, List<string>?> hashtags)
    {
        validator.RuleForEach(x => hashtags(x)).Must(t => t is not null && PostCaption.IsValidTag(t))
            .OverridePropertyName("hashtags").WithMessage("hashtags: '{PropertyValue}' is not a single hashtag word.");
        validator.RuleFor(x => hashtags(x)).Must(t => t is null || t.Count <= 100)
            .OverridePropertyName("hashtags").WithMessage("hashtags: at most 100 entries.");
        validator.RuleFor(x => Final(caption(x), hashtags(x))).Custom((final, context) =>
        {
            foreach (var (field, message) in PostCaption.Check(final)) context.AddFailure(field, message);
        });
    }

    private static string Final(string? caption, List<string>? hashtags)
    {
        var tags = hashtags?.Where(t => t is not null).ToList();
        return PostCaption.Compose(caption ?? "", PostCaption.NormalizeHashtags(tags));
    }
}

/// <summary>
/// Intake of a new post, per media type with Meta's documented limits (<see cref="MediaFormats"/>): which media fields a type
/// takes, 2–10 carousel items, http(s) URLs, and local files checked as Meta would check them (a JPEG within the placement's
/// aspect ratio, an MP4/MOV video within its size). A URL's content is Meta's to check when it downloads it.
/// </summary>
public sealed class CreatePostRequestValidator : AbstractValidator<CreatePostRequest>
{
    public CreatePostRequestValidator(IDbContextFactory<PostingDbContext> contextFactory, MediaFiles media)
    {
        RuleFor(x => x.PersonaId).NotNull().WithMessage("personaId is required.");
        RuleFor(x => x.PersonaId).MustAsync(async (id, ct) =>
            {
                await using var db = await contextFactory.CreateDbContextAsync(ct);
                return await db.Personas.AnyAsync(p => p.Id == id, ct);
            }).When(x => x.PersonaId is not null).WithMessage(x => $"personaId: persona {x.PersonaId} does not exist.");

        RuleFor(x => x.MediaType).Must(t => MediaTypes.TryParse(t, out _))
            .WithMessage($"mediaType must be one of {string.Join(", ", MediaTypes.All.Select(MediaTypes.Name))}.");

        // Which media fields each type takes (a mediaType that is not one of them is the only error named for the media).
        When(x => MediaTypes.TryParse(x.MediaType, out _), () =>
        {
            RuleFor(x => x.ImageUrl).NotNull().When(x => x.Type == MediaType.Image && x.ImagePath is null)
                .WithMessage("imageUrl or imagePath is required.");
            RuleFor(x => x.VideoUrl).NotNull().When(x => x.Type == MediaType.Reels && x.VideoPath is null)
                .WithMessage("videoUrl or videoPath is required for REELS.");
            RuleFor(x => x).Must(x => HasImage(x) != HasVideo(x)).When(x => x.Type == MediaType.Stories)
                .OverridePropertyName("imageUrl").WithMessage("STORIES takes one image (imageUrl/imagePath) or one video (videoUrl/videoPath).");
            RuleFor(x => x).Must(x => !HasImage(x)).When(x => x.Type == MediaType.Reels)
                .OverridePropertyName("imageUrl").WithMessage("REELS takes a video (videoUrl/videoPath), not imageUrl/imagePath; a cover goes in coverUrl.");
            RuleFor(x => x).Must(x => !HasVideo(x)).When(x => x.Type == MediaType.Image)
                .OverridePropertyName("videoUrl").WithMessage("IMAGE takes imageUrl/imagePath; for a video use mediaType REELS or STORIES.");
            RuleFor(x => x).Must(x => !HasImage(x) && !HasVideo(x)).When(x => x.Type == MediaType.Carousel)
                .OverridePropertyName("items").WithMessage("CAROUSEL takes its media in items, not in imageUrl/imagePath/videoUrl/videoPath.");
            RuleFor(x => x.CoverUrl).Null().When(x => x.Type != MediaType.Reels).WithMessage("coverUrl is only for REELS.");
            RuleFor(x => x.ShareToFeed).Null().When(x => x.Type != MediaType.Reels).WithMessage("shareToFeed is only for REELS.");
            RuleFor(x => x.Items).Null().When(x => x.Type != MediaType.Carousel).WithMessage("items is only for CAROUSEL.");
            RuleFor(x => x.Items).NotNull().When(x => x.Type == MediaType.Carousel)
                .WithMessage($"items is required for CAROUSEL ({MediaFormats.CarouselMinItems} to {MediaFormats.CarouselMaxItems} images or videos).");
            RuleFor(x => x.Items!.Count).InclusiveBetween(MediaFormats.CarouselMinItems, MediaFormats.CarouselMaxItems)
                .When(x => x.Type == MediaType.Carousel && x.Items is not null).OverridePropertyName("items")
                .WithMessage(x => $"items: a carousel takes {MediaFormats.CarouselMinItems} to {MediaFormats.CarouselMaxItems} items; {x.Items!.Count} given.");

            // Each source: a URL Meta can fetch, or a file under Media:LocalRoot in the placement's format.
            Source(x => x.ImageUrl, x => x.ImagePath, "imageUrl", "imagePath", video: false, media);
            Source(x => x.VideoUrl, x => x.VideoPath, "videoUrl", "videoPath", video: true, media);
            RuleFor(x => x.CoverUrl!).Must(IsMediaUrl).When(x => x.CoverUrl is not null)
                .WithMessage("coverUrl must be an absolute http or https URL.");
            RuleForEach(x => x.Items).Custom((item, context) =>
            {
                var at = $"items[{context.PropertyPath[(context.PropertyPath.IndexOf('[') + 1)..context.PropertyPath.IndexOf(']')]}]";
                if (item is null || item.HasImage == item.HasVideo)
                {
                    context.AddFailure(new ValidationFailure(at, $"{at}: one image (imageUrl/imagePath) or one video (videoUrl/videoPath)."));
                    return;
                }

                var (url, path, video) = item.HasVideo ? (item.VideoUrl, item.VideoPath, true) : (item.ImageUrl, item.ImagePath, false);
                var field = video ? "video" : "image";
                // Named from the body's root (AddFailure(name, …) would put the item's path in front a second time).
                if (url is not null && !IsMediaUrl(url)) context.AddFailure(new ValidationFailure($"{at}.{field}Url", $"{at}.{field}Url must be an absolute http or https URL."));
                if (path is not null && CheckLocalFile(media, path, MediaType.Carousel, video) is { } error) context.AddFailure(new ValidationFailure($"{at}.{field}Path", $"{at}.{field}Path {error}."));
            }).When(x => x.Type == MediaType.Carousel && x.Items is { Count: <= MediaFormats.CarouselMaxItems });
        });

        RuleFor(x => x.Caption).NotNull().When(x => x.Type != MediaType.Stories).WithMessage("caption is required.");
        CaptionRules.Apply(this, x => x.Caption, x => x.Hashtags);
        FieldRules.Apply(this);
        // Meta's rules for the optional fields, by media type (docs/instagram.md#optional-fields).
        RuleFor(x => x).Custom((x, context) =>
        {
            var items = x.Items?.Select(i => i?.HasVideo == true).ToList() ?? [];
            foreach (var (field, message) in PostFieldRules.Check(x.Type, x.ToFields(), x.FirstComment, items)) context.AddFailure(field, message);
        }).When(x => MediaTypes.TryParse(x.MediaType, out _) && FieldRules.WellFormed(x) && x.Items?.All(i => i is not null) != false);

        RuleFor(x => x.ScheduledAt).NotEmpty().When(x => x.Slot is null).WithMessage("scheduledAt is required (or slot: \"auto\" or {\"after\", \"before\"}).");
        RuleFor(x => x.ScheduledAt).Must(v => IsoTime.TryParse(v, out _)).When(x => !string.IsNullOrEmpty(x.ScheduledAt))
            .WithMessage("scheduledAt must be ISO 8601 with an offset, e.g. 2026-11-24T12:00:00+09:00.");
        RuleFor(x => x.Slot).Null().When(x => x.ScheduledAt is not null).WithMessage("Give scheduledAt or slot, not both.");
        RuleFor(x => x.Slot).Custom((slot, context) =>
        {
            if (SlotBody.Parse(slot, out _, out _) is { } error) context.AddFailure("slot", error);
        }).When(x => x.Slot is not null && x.ScheduledAt is null);
        RuleFor(x => x.ExternalId!).NotEmpty().MaximumLength(200).When(x => x.ExternalId is not null);
    }

    private static bool HasImage(CreatePostRequest x) => x.ImageUrl is not null || x.ImagePath is not null;

    private static bool HasVideo(CreatePostRequest x) => x.VideoUrl is not null || x.VideoPath is not null;

    private void Source(Func<CreatePostRequest, string?> url, Func<CreatePostRequest, string?> path, string urlField, string pathField, bool video, MediaFiles media)
    {
        RuleFor(x => url(x)!).Must(IsMediaUrl).When(x => url(x) is not null)
            .OverridePropertyName(urlField).WithMessage($"{urlField} must be an absolute http or https URL.");
        RuleFor(x => path(x)!).MaximumLength(1024).OverridePropertyName(pathField).Custom((value, context) =>
        {
            if (CheckLocalFile(media, value, context.InstanceToValidate.Type, video) is { } error) context.AddFailure(pathField, $"{pathField} {error}.");
        }).When(x => path(x) is not null);
    }

    /// <summary>
    /// A local file as Meta would take it for <paramref name="placement"/>: inside <c>Media:LocalRoot</c>; an image a whole
    /// JPEG of at most 8 MiB within the placement's aspect ratio; a video an MP4/MOV file within the placement's size.
    /// </summary>
    internal static string? CheckLocalFile(MediaFiles media, string path, MediaType placement, bool video)
    {
        if (!media.TryResolve(CreatePostRequest.NormalizePath(path)!, out var full, out var error)) return error;
        var length = new FileInfo(full).Length;
        if (length > MediaFormats.MaxBytes(placement, video)) return MediaFormats.Check([], length, placement, video, whole: false)?.Detail;
        // Intake accepts bytes after a JPEG's end marker (Meta's download is checked whole by the readiness check).
        return MediaFormats.Check(video ? ReadHead(full, MediaFormats.VideoHeadBytes) : File.ReadAllBytes(full), length, placement, video, whole: false)?.Detail;
    }

    private static byte[] ReadHead(string path, int count)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[Math.Min(count, stream.Length)];
        stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head;
    }

    /// <summary>A media URL Meta can fetch: absolute http(s), at most 2,048 characters (the column's length).</summary>
    private static bool IsMediaUrl(string url) => url.Length <= 2048 && BeHttpUrl(url);

    internal static bool BeHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(uri.Host);
}

public sealed class EditPostRequestValidator : AbstractValidator<EditPostRequest>
{
    public EditPostRequestValidator()
    {
        RuleFor(x => x.ScheduledAt).Must(v => IsoTime.TryParse(v, out _)).When(x => x.ScheduledAt is not null)
            .WithMessage("scheduledAt must be ISO 8601 with an offset, e.g. 2026-11-24T12:00:00+09:00.");
        CaptionRules.Apply(this, x => x.Caption, x => x.Hashtags);
        // The shape here; Meta's rules by media type on the merged post (PostOperations.EditAsync).
        FieldRules.Apply(this);
    }
}

/// <summary>The shape of the optional fields in a create or an edit (Meta's rules by media type are <see cref="PostFieldRules"/>).</summary>
internal static class FieldRules
{
    public static void Apply<T>(AbstractValidator<T> validator) where T : IPostFieldsBody
    {
        validator.RuleFor(x => x.TrialReel).Must(t => t!.Length == 0 || PostFieldsBody.TryParseTrial(t, out _)).When(x => x.TrialReel is not null)
            .WithMessage("trialReel must be MANUAL or SS_PERFORMANCE.");
        validator.RuleForEach(x => x.UserTags).Must(t => t?.Username is not null).OverridePropertyName("userTags")
            .WithMessage("userTags: each tag is {\"username\", \"x\", \"y\"}.");
        validator.RuleForEach(x => x.Collaborators).NotNull().OverridePropertyName("collaborators").WithMessage("collaborators: each is a username.");
        validator.RuleFor(x => x.LocationId!).MaximumLength(64).When(x => x.LocationId is not null).WithMessage("locationId: at most 64 digits.");
        validator.RuleFor(x => x.AltText!).MaximumLength(PostFieldRules.MaxAltText * 2).When(x => x.AltText is not null)
            .WithMessage($"altText: at most {PostFieldRules.MaxAltText} characters.");
        validator.RuleFor(x => x.FirstComment!).MaximumLength(PostFieldRules.MaxFirstComment * 4).When(x => x.FirstComment is not null)
            .WithMessage($"firstComment: at most {PostFieldRules.MaxFirstComment} characters.");
    }

    /// <summary>Well-formed enough to apply Meta's rules to (each tag and name present, a known trialReel).</summary>
    public static bool WellFormed(IPostFieldsBody x) =>
        x.UserTags?.All(t => t?.Username is not null) != false && x.Collaborators?.All(c => c is not null) != false
        && (x.TrialReel is null || x.TrialReel.Length == 0 || PostFieldsBody.TryParseTrial(x.TrialReel, out _));
}

public sealed class CreatePersonaRequestValidator : AbstractValidator<CreatePersonaRequest>
{
    public CreatePersonaRequestValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(100).WithMessage("name is required (at most 100 characters).");
        RuleFor(x => x.IgUserId).NotEmpty().MaximumLength(64).Matches("^[0-9]+$").WithMessage("igUserId must be the numeric Instagram user id.");
        RuleFor(x => x.AccessToken).NotEmpty().MaximumLength(1024).WithMessage("accessToken is required (at most 1024 characters).");
        RuleFor(x => x.TimeZone!).Must(tz => TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _)).When(x => x.TimeZone is not null)
            .WithMessage("timeZone must be an IANA time zone such as Asia/Seoul.");
    }
}

public sealed class UpdatePersonaRequestValidator : AbstractValidator<UpdatePersonaRequest>
{
    public UpdatePersonaRequestValidator()
    {
        RuleFor(x => x.AiLabelDefault).NotNull().WithMessage("aiLabelDefault is required (true or false).");
    }
}

public sealed class PostingWindowBodyValidator : AbstractValidator<PostingWindowBody>
{
    public PostingWindowBodyValidator()
    {
        RuleFor(x => x.From).Must(v => PostingWindow.TryParseTime(v, out _)).When(x => x.From is not null).WithMessage("from must be a time as HH:mm (e.g. 08:00).");
        RuleFor(x => x.To).Must(v => PostingWindow.TryParseTime(v, out _)).When(x => x.To is not null).WithMessage("to must be a time as HH:mm (e.g. 23:00).");
        RuleFor(x => x.To).NotNull().When(x => x.From is not null).WithMessage("to is required with from (or both null to clear the window).");
        RuleFor(x => x.From).NotNull().When(x => x.To is not null).WithMessage("from is required with to (or both null to clear the window).");
        RuleFor(x => x.To).Must((x, to) => to != x.From).When(x => x.From is not null).WithMessage("to must differ from from.");
    }
}

public sealed class UpdateTokenRequestValidator : AbstractValidator<UpdateTokenRequest>
{
    public UpdateTokenRequestValidator()
    {
        RuleFor(x => x.AccessToken).NotEmpty().MaximumLength(1024).WithMessage("accessToken is required (at most 1024 characters).");
    }
}

public sealed class PauseRequestValidator : AbstractValidator<PauseRequest>
{
    public PauseRequestValidator()
    {
        RuleFor(x => x.Reason!).MaximumLength(500).When(x => x.Reason is not null);
    }
}

public sealed class RetryRequestValidator : AbstractValidator<RetryRequest>
{
    public RetryRequestValidator()
    {
        RuleFor(x => x.After).Must(a => RetryDelay.TryParse(a, out _)).WithMessage("after must be one of: now, 30m, 1h.");
    }
}

public sealed class RetryMatchingRequestValidator : AbstractValidator<RetryMatchingRequest>
{
    public RetryMatchingRequestValidator()
    {
        RuleFor(x => x.After).Must(a => RetryDelay.TryParse(a, out _)).WithMessage("after must be one of: now, 30m, 1h.");
        RuleFor(x => x.Status).Must(s => s is null || PostStateMachine.Retryable.Contains(s.Value))
            .WithMessage("status must be Failed, Retrying or Held.");
    }
}
