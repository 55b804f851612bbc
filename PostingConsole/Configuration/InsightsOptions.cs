using FluentValidation;

namespace PostingConsole.Configuration;

/// <summary>Section <c>Insights</c>: what each published post achieved, read from Meta (docs/insights.md).</summary>
public sealed class InsightsOptions
{
    public const string Section = "Insights";

    /// <summary>Read each published post's metrics and each persona's <c>online_followers</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The ages at which a published post's metrics are read (a Story's are read before its 24 hours end); null: 24 h and 72 h.
    /// No default list here: the configuration binder adds a file's items to a list it finds, so the default lives in <see cref="Ages"/>.
    /// </summary>
    public List<TimeSpan>? ReadAfter { get; set; }

    public static readonly IReadOnlyList<TimeSpan> DefaultAges = [TimeSpan.FromDays(1), TimeSpan.FromDays(3)];

    /// <summary>The ages in effect, in order.</summary>
    public IReadOnlyList<TimeSpan> Ages => ReadAfter is { Count: > 0 } ages ? ages.Order().ToList() : DefaultAges;

    /// <summary>
    /// The time zone of the hour keys in Meta's <c>online_followers</c>. Meta's docs do not say; its insights days end at
    /// Pacific midnight, so Pacific time is the default. A setting, not an assumption.
    /// </summary>
    public string OnlineFollowersTimeZone { get; set; } = "America/Los_Angeles";
}

public sealed class InsightsOptionsValidator : AbstractValidator<InsightsOptions>
{
    public InsightsOptionsValidator()
    {
        RuleFor(o => o.Ages).Must(ages => ages.All(a => a >= TimeSpan.FromMinutes(1) && a <= TimeSpan.FromDays(60)))
            .WithName("Insights:ReadAfter").WithMessage("Insights:ReadAfter: each age must be between 00:01:00 and 60.00:00:00.");
        RuleFor(o => o.Ages).Must(ages => ages.Distinct().Count() == ages.Count)
            .WithName("Insights:ReadAfter").WithMessage("Insights:ReadAfter: the same age twice.");
        RuleFor(o => o.OnlineFollowersTimeZone).Must(BeATimeZone).WithName("Insights:OnlineFollowersTimeZone")
            .WithMessage(o => $"Insights:OnlineFollowersTimeZone '{o.OnlineFollowersTimeZone}' is not a time zone this machine knows (e.g. America/Los_Angeles).");
    }

    private static bool BeATimeZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}

/// <summary>Section <c>Slots</c>: posts put on the queue with a slot instead of a time (docs/insights.md#learned-slots).</summary>
public sealed class SlotsOptions
{
    public const string Section = "Slots";

    /// <summary>The share of automatically slotted posts placed on less-known hours, so the scores keep learning.</summary>
    public double ExploreShare { get; set; } = 0.1;

    /// <summary>
    /// Posts a persona may publish in a moving 24 hours, for planning, while Meta has not reported the account's
    /// <c>quota_total</c>. Meta's pages name 100, 50 and 25; the lowest is the default.
    /// </summary>
    public int DailyQuota { get; set; } = 25;

    /// <summary>How far back a persona's own results count.</summary>
    public TimeSpan LearnFrom { get; set; } = TimeSpan.FromDays(56);
}

public sealed class SlotsOptionsValidator : AbstractValidator<SlotsOptions>
{
    public SlotsOptionsValidator()
    {
        RuleFor(o => o.ExploreShare).InclusiveBetween(0, 0.5).WithName("Slots:ExploreShare").WithMessage("Slots:ExploreShare must be between 0 and 0.5.");
        RuleFor(o => o.DailyQuota).InclusiveBetween(1, 100).WithName("Slots:DailyQuota").WithMessage("Slots:DailyQuota must be between 1 and 100.");
        RuleFor(o => o.LearnFrom).InclusiveBetween(TimeSpan.FromDays(7), TimeSpan.FromDays(365)).WithName("Slots:LearnFrom")
            .WithMessage("Slots:LearnFrom must be between 7.00:00:00 and 365.00:00:00.");
    }
}
