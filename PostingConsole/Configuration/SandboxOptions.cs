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

    /// <summary>
    /// How much faster a post ages for insights in Sandbox mode: <c>Insights:ReadAfter</c>'s ages (and the simulated audience's
    /// growth) are divided by this, so a demo shows its 24 h read within minutes. Null: 720 with the demo (24 h in 2 minutes),
    /// else 1 (real ages).
    /// </summary>
    public double? InsightsSpeedup { get; set; }

    /// <summary>The speedup in effect (see <see cref="InsightsSpeedup"/>).</summary>
    public double EffectiveInsightsSpeedup => InsightsSpeedup ?? (SeedDemo ?? true ? 720 : 1);

    /// <summary>Days of published history the demo starts with (learned posting times have results to learn from at once).</summary>
    public int DemoHistoryDays { get; set; } = 14;
}

public sealed class SandboxOptionsValidator : AbstractValidator<SandboxOptions>
{
    public SandboxOptionsValidator()
    {
        RuleFor(o => o.AnswerTime).InclusiveBetween(TimeSpan.Zero, TimeSpan.FromMinutes(1))
            .WithName("Sandbox:AnswerTime").WithMessage("Sandbox:AnswerTime must be between 00:00:00 and 00:01:00.");
        RuleFor(o => o.InsightsSpeedup!.Value).InclusiveBetween(1, 10_000).When(o => o.InsightsSpeedup is not null).WithName("Sandbox:InsightsSpeedup")
            .WithMessage("Sandbox:InsightsSpeedup must be between 1 and 10000.");
        RuleFor(o => o.DemoHistoryDays).InclusiveBetween(0, 60).WithName("Sandbox:DemoHistoryDays")
            .WithMessage("Sandbox:DemoHistoryDays must be between 0 and 60.");
    }
}
