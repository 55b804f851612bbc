using FluentValidation;

namespace PostingConsole.Configuration;

/// <summary>Section <c>Sandbox</c>.</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>On an empty database, create demo personas and a day of posts. Null: true in Sandbox mode.</summary>
    public bool? SeedDemo { get; set; }
    public int DemoPersonas { get; set; } = 100;
    public int DemoPostsPerPersona { get; set; } = 4;

    /// <summary>How long the simulated Graph API takes to answer each call (rehearse a slow Meta); none by default.</summary>
    public TimeSpan AnswerTime { get; set; } = TimeSpan.Zero;
}

public sealed class SandboxOptionsValidator : AbstractValidator<SandboxOptions>
{
    public SandboxOptionsValidator()
    {
        RuleFor(o => o.AnswerTime).InclusiveBetween(TimeSpan.Zero, TimeSpan.FromMinutes(1))
            .WithName("Sandbox:AnswerTime").WithMessage("Sandbox:AnswerTime must be between 00:00:00 and 00:01:00.");
    }
}
