using FluentValidation;

namespace PostingConsole.Configuration;

public enum GraphMode
{
    Sandbox,
    Live,
}

/// <summary>Section <c>Graph</c>: where Graph API calls go.</summary>
public sealed class GraphOptions
{
    public const string Section = "Graph";

    /// <summary>How often a failed safe (GET) call is repeated inside one step, and the longest pause between two tries.</summary>
    public const int InCallRetries = 2;
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    public GraphMode Mode { get; set; } = GraphMode.Sandbox;
    public Uri BaseUrl { get; set; } = new("https://graph.facebook.com/");
    public string ApiVersion { get; set; } = "v25.0";
    /// <summary>Time allowed for one HTTP call to Meta.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Pause between container status reads while it is IN_PROGRESS.</summary>
    public TimeSpan ContainerPollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How long a container may stay IN_PROGRESS before the attempt is given up as transient.</summary>
    public TimeSpan ContainerWaitLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest one pipeline step can take between two lease renewals of its own: a call with its in-call retries and
    /// their pauses, after the image probe's cap. <c>Posting:LeaseDuration</c> must be longer.
    /// </summary>
    public TimeSpan LongestStep => CallTimeout * (InCallRetries + 1) + MaxRetryDelay * InCallRetries + ImageProbeTimeout;

    /// <summary>How long the pre-fetch of a CDN image may take (Publishing's ImageProbe) before it counts as unreachable.</summary>
    public static readonly TimeSpan ImageProbeTimeout = TimeSpan.FromSeconds(5);
}

public sealed class GraphOptionsValidator : AbstractValidator<GraphOptions>
{
    public GraphOptionsValidator()
    {
        RuleFor(o => o.Mode).IsInEnum().WithName("Graph:Mode");
        RuleFor(o => o.BaseUrl).Must(u => u is { IsAbsoluteUri: true } && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps))
            .WithName("Graph:BaseUrl").WithMessage("Graph:BaseUrl must be an absolute http or https URL.");
        RuleFor(o => o.ApiVersion).Matches(@"^v\d+\.\d+$").WithName("Graph:ApiVersion")
            .WithMessage("Graph:ApiVersion must look like v25.0.");
        RuleFor(o => o.CallTimeout).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)).WithName("Graph:CallTimeout");
        RuleFor(o => o.ContainerPollInterval).InclusiveBetween(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)).WithName("Graph:ContainerPollInterval");
        RuleFor(o => o.ContainerWaitLimit).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30)).WithName("Graph:ContainerWaitLimit");
    }
}
