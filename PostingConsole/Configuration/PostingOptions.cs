using FluentValidation;

namespace PostingConsole.Configuration;

/// <summary>Section <c>Posting</c>: the spec's business rules, all adjustable.</summary>
public sealed class PostingOptions
{
    public const string Section = "Posting";

    public int MaxConcurrency { get; set; } = 10;
    public int PerPersonaHourlyLimit { get; set; } = 10;
    public TimeSpan TransientRetryDelay { get; set; } = TimeSpan.FromMinutes(5);
    public int MaxTransientRetries { get; set; } = 3;
    public TimeSpan RateLimitRetryDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How long a claim is good for before another dispatcher may reconcile the post.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>A post that would start later than this after its due time is held (<c>Missed</c>) instead of published.</summary>
    public TimeSpan MissedPostGrace { get; set; } = TimeSpan.FromHours(1);
    /// <summary>The least time between two posts of one persona (off when zero): a backlog is spread, never burst.</summary>
    public TimeSpan MinIntervalPerPersona { get; set; } = TimeSpan.Zero;
    /// <summary>Each post starts at a random offset within ± this of its scheduled time, drawn once and stored (off when zero).</summary>
    public TimeSpan ScheduleJitter { get; set; } = TimeSpan.Zero;
    /// <summary>Run the queue worker in this process (the wake-up loop and Coravel's minute tick).</summary>
    public bool AutoDispatch { get; set; } = true;
}

public sealed class PostingOptionsValidator : AbstractValidator<PostingOptions>
{
    public PostingOptionsValidator(Microsoft.Extensions.Options.IOptions<GraphOptions> graph)
    {
        RuleFor(o => o.MaxConcurrency).InclusiveBetween(1, 100).WithName("Posting:MaxConcurrency");
        RuleFor(o => o.PerPersonaHourlyLimit).InclusiveBetween(1, 100).WithName("Posting:PerPersonaHourlyLimit");
        RuleFor(o => o.TransientRetryDelay).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)).WithName("Posting:TransientRetryDelay");
        RuleFor(o => o.MaxTransientRetries).InclusiveBetween(0, 20).WithName("Posting:MaxTransientRetries");
        RuleFor(o => o.RateLimitRetryDelay).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)).WithName("Posting:RateLimitRetryDelay");
        RuleFor(o => o.MinIntervalPerPersona).InclusiveBetween(TimeSpan.Zero, TimeSpan.FromHours(24)).WithName("Posting:MinIntervalPerPersona");
        RuleFor(o => o.ScheduleJitter).InclusiveBetween(TimeSpan.Zero, TimeSpan.FromHours(6)).WithName("Posting:ScheduleJitter");
        RuleFor(o => o.MissedPostGrace).InclusiveBetween(TimeSpan.FromSeconds(10), TimeSpan.FromDays(7)).WithName("Posting:MissedPostGrace");
        RuleFor(o => o.LeaseDuration).InclusiveBetween(TimeSpan.FromSeconds(30), TimeSpan.FromHours(2)).WithName("Posting:LeaseDuration");
        // A claim must outlive the longest single step, or another dispatcher could take the post over mid-call.
        RuleFor(o => o.LeaseDuration).Must(lease => lease > graph.Value.LongestStep).WithName("Posting:LeaseDuration")
            .WithMessage(o => $"Posting:LeaseDuration ({o.LeaseDuration}) must be longer than the longest Graph step, " +
                              $"Graph:CallTimeout ({graph.Value.CallTimeout}) × {GraphOptions.InCallRetries + 1} tries + back-off + the image probe's cap = {graph.Value.LongestStep}. " +
                              "Raise Posting:LeaseDuration or lower Graph:CallTimeout.");
    }
}
