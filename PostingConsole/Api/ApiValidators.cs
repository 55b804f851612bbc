using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
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

        RuleFor(x => x.ImageUrl).NotNull().When(x => x.ImagePath is null)
            .WithMessage("imageUrl or imagePath is required.");
        RuleFor(x => x.ImageUrl!).MaximumLength(2048).Must(BeHttpUrl).When(x => x.ImageUrl is not null)
            .WithMessage("imageUrl must be an absolute http or https URL.");
        RuleFor(x => x.ImagePath!).MaximumLength(1024).Custom((path, context) =>
        {
            if (!media.TryResolve(path, out _, out var error)) context.AddFailure("imagePath", error);
        }).When(x => x.ImagePath is not null);

        RuleFor(x => x.Caption).NotNull().WithMessage("caption is required.");
        CaptionRules.Apply(this, x => x.Caption, x => x.Hashtags);

        RuleFor(x => x.ScheduledAt).NotEmpty().WithMessage("scheduledAt is required.");
        RuleFor(x => x.ScheduledAt).Must(v => IsoTime.TryParse(v, out _)).When(x => !string.IsNullOrEmpty(x.ScheduledAt))
            .WithMessage("scheduledAt must be ISO 8601 with an offset, e.g. 2026-11-24T12:00:00+09:00.");
        RuleFor(x => x.ExternalId!).NotEmpty().MaximumLength(200).When(x => x.ExternalId is not null);
    }

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
    }
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
