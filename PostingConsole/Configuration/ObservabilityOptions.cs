using FluentValidation;

namespace PostingConsole.Configuration;

/// <summary>Section <c>Observability</c>: OpenTelemetry metrics for Prometheus, and traces over OTLP (docs/operations.md#metrics-and-traces).</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>Serve the metrics in Prometheus' text format at <c>/metrics</c>.</summary>
    public bool Metrics { get; set; }

    /// <summary>When set, <c>/metrics</c> needs <c>X-Api-Key</c> with this value; unset, only loopback callers are answered.</summary>
    public string? MetricsKey { get; set; }

    /// <summary>When set, traces (one span per post run, a child per Graph call) and metrics are exported over OTLP to it.</summary>
    public Uri? OtlpEndpoint { get; set; }
}

public sealed class ObservabilityOptionsValidator : AbstractValidator<ObservabilityOptions>
{
    public ObservabilityOptionsValidator()
    {
        RuleFor(o => o.OtlpEndpoint).Must(uri => uri is null || uri is { IsAbsoluteUri: true, Scheme: "http" or "https" })
            .WithName("Observability:OtlpEndpoint").WithMessage("Observability:OtlpEndpoint must be an absolute http(s) URL, e.g. http://localhost:4318.");
        RuleFor(o => o.MetricsKey).Must(key => key is null || key.Length >= 16)
            .WithName("Observability:MetricsKey").WithMessage("Observability:MetricsKey must be at least 16 characters.");
    }
}
