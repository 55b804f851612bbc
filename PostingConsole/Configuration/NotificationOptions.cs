using FluentValidation;

namespace PostingConsole.Configuration;

/// <summary>Section <c>Notifications</c>: where the outbound events of the HTTP API (docs/architecture.md#the-api) go.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>URLs every event is POSTed to as JSON.</summary>
    public List<string> Webhooks { get; set; } = [];
}

public sealed class NotificationOptionsValidator : AbstractValidator<NotificationOptions>
{
    public NotificationOptionsValidator()
    {
        RuleForEach(o => o.Webhooks)
            .Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            .WithName("Notifications:Webhooks")
            .WithMessage("Notifications:Webhooks:{CollectionIndex} must be an absolute http or https URL.");
    }
}
