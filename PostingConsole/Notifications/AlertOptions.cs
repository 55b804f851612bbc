using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using FluentValidation;
using PostingConsole.Domain;

namespace PostingConsole.Notifications;

public enum AlertChannelKind
{
    /// <summary>A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, Discord's <c>/slack</c> URL): <c>{"text": …}</c>.</summary>
    Slack,

    /// <summary>A Telegram chat, through a bot: <c>"&lt;bot token&gt;:&lt;chat id&gt;"</c>.</summary>
    Telegram,

    /// <summary>An e-mail address, through <c>Alerts:Smtp</c>.</summary>
    Email,
}

/// <summary>Section <c>Alerts</c>: the channels every alert of the bell also goes to (docs/operations.md#alert-channels). Here, not in
/// Configuration, because a channel names the alert kinds it wants (Domain).</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    public List<AlertChannelOptions> Channels { get; set; } = [];

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Telegram's Bot API (a setting so a test or a proxy can stand in for it).</summary>
    public Uri TelegramApi { get; set; } = new("https://api.telegram.org/");
}

/// <summary>One channel (<c>Alerts:Channels</c>): its kind, its target, the alert kinds it wants (none listed: all), its language.</summary>
public sealed partial class AlertChannelOptions
{
    public AlertChannelKind Kind { get; set; }

    /// <summary>The webhook URL (Slack), <c>&lt;bot token&gt;:&lt;chat id&gt;</c> (Telegram) or the address (Email). A secret for the first two: never shown whole.</summary>
    public string Target { get; set; } = "";

    public List<AlertKind>? Alerts { get; set; }

    /// <summary><c>ko</c> (default) or <c>en</c>.</summary>
    public string Language { get; set; } = "ko";

    public bool Wants(AlertKind kind) => Alerts is not { Count: > 0 } kinds || kinds.Contains(kind);

    /// <summary>The channel's identity in the outbox (its kind and a hash of its target): what was delivered where, with no secret stored.</summary>
    public string Key => $"{Kind}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Target)))[..12]}";

    /// <summary>What the alerts' page shows of the channel: the webhook's host (with the end of its key: two Slack channels differ),
    /// the chat id, the address; never a token.</summary>
    public string Shown => Kind switch
    {
        AlertChannelKind.Slack => Uri.TryCreate(Target, UriKind.Absolute, out var url) ? $"{url.Host} ({Key[^4..]})" : "?",
        AlertChannelKind.Telegram => TelegramTarget().Match(Target) is { Success: true } m ? $"chat {m.Groups["chat"].Value}" : "?",
        _ => Target,
    };

    /// <summary>The bot token and the chat of a Telegram target.</summary>
    public (string Token, string Chat)? Telegram => TelegramTarget().Match(Target) is { Success: true } m ? (m.Groups["token"].Value, m.Groups["chat"].Value) : null;

    [GeneratedRegex(@"^(?<token>\d+:[A-Za-z0-9_-]+):(?<chat>-?\d+|@[A-Za-z0-9_]{5,})$")]
    private static partial Regex TelegramTarget();
}

/// <summary><c>Alerts:Smtp</c>: the mail server e-mail channels send through (MailKit).</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string? From { get; set; }

    /// <summary>TLS: STARTTLS on 587 and others, implicit TLS on 465; false only for a relay on the same machine.</summary>
    public bool UseTls { get; set; } = true;
}

public sealed class AlertOptionsValidator : AbstractValidator<AlertOptions>
{
    public AlertOptionsValidator()
    {
        RuleForEach(o => o.Channels).ChildRules(channel =>
        {
            channel.RuleFor(c => c.Target).Must(t => Uri.TryCreate(t, UriKind.Absolute, out var u) && u.Scheme is "https" or "http")
                .When(c => c.Kind == AlertChannelKind.Slack).WithName("Alerts:Channels:target")
                .WithMessage("Alerts:Channels: a Slack channel's target must be its incoming-webhook URL (https://hooks.slack.com/…).");
            channel.RuleFor(c => c.Telegram).NotNull().When(c => c.Kind == AlertChannelKind.Telegram).WithName("Alerts:Channels:target")
                .WithMessage("Alerts:Channels: a Telegram channel's target must be \"<bot token>:<chat id>\", e.g. 123456:AAE…:-1001234567890.");
            channel.RuleFor(c => c.Target).Must(t => MimeKit.MailboxAddress.TryParse(t, out var address) && address.Address.Contains('@'))
                .When(c => c.Kind == AlertChannelKind.Email).WithName("Alerts:Channels:target")
                .WithMessage(c => $"Alerts:Channels: '{c.Target}' is not an e-mail address.");
            channel.RuleFor(c => c.Language).Must(l => l is "ko" or "en").WithName("Alerts:Channels:language")
                .WithMessage("Alerts:Channels: language must be \"ko\" or \"en\".");
        });
        RuleFor(o => o.Smtp.Host).NotEmpty().When(o => o.Channels.Any(c => c.Kind == AlertChannelKind.Email)).WithName("Alerts:Smtp:Host")
            .WithMessage("Alerts:Smtp:Host is needed for an e-mail channel.");
        RuleFor(o => o.Smtp.From).Must(f => MimeKit.MailboxAddress.TryParse(f, out _)).When(o => o.Channels.Any(c => c.Kind == AlertChannelKind.Email))
            .WithName("Alerts:Smtp:From").WithMessage("Alerts:Smtp:From must be the sender's address for an e-mail channel.");
        RuleFor(o => o.Smtp.Port).InclusiveBetween(1, 65535).WithName("Alerts:Smtp:Port").WithMessage("Alerts:Smtp:Port must be 1–65535.");
    }
}
