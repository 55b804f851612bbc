using FluentValidation;

namespace PostingConsole.Configuration;

/// <summary>Section <c>Notifications</c>: where the outbound events of the HTTP API (docs/architecture.md#the-api) go.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>URLs every event is POSTed to as JSON, unsigned (kept working beside <see cref="Receivers"/>).</summary>
    public List<string> Webhooks { get; set; } = [];

    /// <summary>Receivers with a secret of their own: each gets the events it wants once, signed per the Standard Webhooks spec.</summary>
    public List<WebhookReceiverOptions> Receivers { get; set; } = [];

    /// <summary>Every receiver, the signed ones and then the plain <see cref="Webhooks"/> URLs; each delivered to on its own.</summary>
    public IReadOnlyList<WebhookReceiverOptions> AllReceivers =>
        [.. Receivers, .. Webhooks.Where(url => Receivers.All(r => r.Url != url)).Select(url => new WebhookReceiverOptions { Url = url })];
}

/// <summary>One receiver (<c>Notifications:Receivers</c>): its URL, its secret, and the event types it wants (none listed: all).</summary>
public sealed class WebhookReceiverOptions
{
    public string Url { get; set; } = "";

    /// <summary>
    /// The key every request is signed with (<c>webhook-signature: v1,…</c>, HMAC-SHA256 of <c>id.timestamp.body</c>): a Standard
    /// Webhooks secret (<c>whsec_</c> and base64), as the receiver's verifying library expects it. Null for a plain URL of
    /// <c>Notifications:Webhooks</c> (unsigned).
    /// </summary>
    public string? Secret { get; set; }

    public List<string>? Events { get; set; }

    public bool Wants(string type) => Events is not { Count: > 0 } events || events.Contains(type);
}

public sealed class NotificationOptionsValidator : AbstractValidator<NotificationOptions>
{
    public NotificationOptionsValidator()
    {
        RuleForEach(o => o.Webhooks)
            .Must(BeHttpUrl)
            .WithName("Notifications:Webhooks")
            .WithMessage("Notifications:Webhooks:{CollectionIndex} must be an absolute http or https URL.");
        RuleForEach(o => o.Receivers).ChildRules(receiver =>
        {
            receiver.RuleFor(r => r.Url).Must(BeHttpUrl).WithMessage("Notifications:Receivers: url must be an absolute http or https URL.");
            receiver.RuleFor(r => r.Secret).Must(BeSecret)
                .WithMessage("Notifications:Receivers: secret is required, a Standard Webhooks secret (whsec_ and base64 of 24 to 64 bytes).");
        }).OverridePropertyName("Notifications:Receivers");
        RuleFor(o => o.Receivers).Must(r => r.Select(x => x.Url).Distinct().Count() == r.Count)
            .WithName("Notifications:Receivers").WithMessage("Notifications:Receivers: each url once.");
    }

    private static bool BeHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool BeSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith("whsec_", StringComparison.Ordinal)) return false;
        var bytes = new byte[64];
        return Convert.TryFromBase64String(secret["whsec_".Length..], bytes, out var length) && length is >= 24 and <= 64;
    }
}
