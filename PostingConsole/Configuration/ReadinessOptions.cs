using FluentValidation;

namespace PostingConsole.Configuration;

/// <summary>What a duplicate (the same image or caption on another persona) does to the later post.</summary>
public enum DuplicatePolicy
{
    /// <summary>Shown on the post and the readiness screen, alerted; the post goes out.</summary>
    Warn,

    /// <summary>The later post is Held with failure reason <c>Duplicate</c> at its minute, for an operator to decide.</summary>
    Hold,

    /// <summary>Not looked for.</summary>
    Off,
}

/// <summary>Section <c>Readiness</c>: the background check of every upcoming post (docs/readiness.md).</summary>
public sealed class ReadinessOptions
{
    public const string Section = "Readiness";

    /// <summary>Posts due within this are checked.</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Warn this long before a persona's token (or its data access) expires.</summary>
    public TimeSpan TokenExpiryWarning { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The same image or caption on another persona within this (before or after) is a duplicate.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromDays(14);

    public DuplicatePolicy DuplicatePolicy { get; set; } = DuplicatePolicy.Warn;
}

public sealed class ReadinessOptionsValidator : AbstractValidator<ReadinessOptions>
{
    public ReadinessOptionsValidator()
    {
        RuleFor(o => o.Horizon).InclusiveBetween(TimeSpan.FromHours(1), TimeSpan.FromDays(7)).WithName("Readiness:Horizon")
            .WithMessage("Readiness:Horizon must be between 01:00:00 and 7.00:00:00.");
        RuleFor(o => o.TokenExpiryWarning).InclusiveBetween(TimeSpan.Zero, TimeSpan.FromDays(60)).WithName("Readiness:TokenExpiryWarning")
            .WithMessage("Readiness:TokenExpiryWarning must be between 00:00:00 and 60.00:00:00.");
        RuleFor(o => o.DuplicateWindow).InclusiveBetween(TimeSpan.Zero, TimeSpan.FromDays(90)).WithName("Readiness:DuplicateWindow")
            .WithMessage("Readiness:DuplicateWindow must be between 00:00:00 and 90.00:00:00.");
        RuleFor(o => o.DuplicatePolicy).IsInEnum().WithName("Readiness:DuplicatePolicy")
            .WithMessage("Readiness:DuplicatePolicy must be Warn, Hold or Off.");
    }
}
