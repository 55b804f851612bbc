using System.Globalization;
using System.Net.Http.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Operations;

namespace PostingConsole.Worker;

/// <summary>An alert as a channel sends it: a subject (e-mail) and a text, in the channel's language, with the link that fixes it.</summary>
public sealed record AlertText(string Subject, string Body)
{
    public static AlertText For(Alert alert, string language, Uri console, ConsoleClock clock)
    {
        var english = language == "en";
        var culture = CultureInfo.GetCultureInfo(english ? "en" : "ko");
        var words = alert.Notice?.Word(culture, t => clock.Format(t), alert.Message) ?? alert.Message;
        var title = Title(alert.Kind, english);
        var link = new Uri(console, alert.FixPath).AbsoluteUri;
        return new AlertText($"[PostingConsole] {title}",
            $"{title}\n{words}\n{(english ? "Fix it here" : "여기서 해결")}: {link}\n({clock.Format(alert.At)})");
    }

    /// <summary>The message of "테스트 보내기": proves the channel works, in its language.</summary>
    public static AlertText Test(string language, Uri console) => language == "en"
        ? new AlertText("[PostingConsole] Test", $"A test from PostingConsole: this channel receives its alerts.\n{new Uri(console, "/alerts").AbsoluteUri}")
        : new AlertText("[PostingConsole] 테스트", $"PostingConsole 테스트 알림입니다. 이 채널로 알림이 옵니다.\n{new Uri(console, "/alerts").AbsoluteUri}");

    /// <summary>The alert kind's name, as the channels and the alerts' page show it.</summary>
    public static string Title(AlertKind kind, bool english) => kind switch
    {
        AlertKind.AuthExpired => english ? "Token expired" : "토큰 만료",
        AlertKind.AccountSuspended => english ? "Account suspended" : "계정 정지",
        AlertKind.ImageNeedsRegeneration => english ? "Image to regenerate" : "이미지 재생성 필요",
        AlertKind.PostFailed => english ? "Post failed" : "포스팅 최종 실패",
        AlertKind.SpamSuspected => english ? "Spam suspected" : "스팸 의심",
        AlertKind.PostsMissed => english ? "Posts missed their time" : "놓친 포스팅",
        AlertKind.TokenExpiring => english ? "Token expiring" : "토큰 만료 예정",
        AlertKind.NotReady => english ? "Posts not ready" : "게시 준비 안 됨",
        _ => kind.ToString(),
    };
}

/// <summary>
/// Sends a text to a channel: a Slack-compatible incoming webhook (<c>{"text": …}</c>), a Telegram chat (the Bot API's
/// <c>sendMessage</c>), or an e-mail (MailKit, through <c>Alerts:Smtp</c>). Throws when the channel did not accept it. The HTTP
/// client logs nothing: a Telegram request's URL holds the bot token, a Slack URL is itself a secret.
/// </summary>
public sealed class AlertChannels(IHttpClientFactory clients, IOptionsMonitor<AlertOptions> options)
{
    public const string Client = "alert-channels";

    public async Task SendAsync(AlertChannelOptions channel, AlertText text, CancellationToken cancellationToken)
    {
        switch (channel.Kind)
        {
            case AlertChannelKind.Slack:
                await PostAsync(new Uri(channel.Target), new { text = text.Body }, cancellationToken);
                break;
            case AlertChannelKind.Telegram when channel.Telegram is var (token, chat):
                await PostAsync(new Uri($"{options.CurrentValue.TelegramApi.AbsoluteUri.TrimEnd('/')}/bot{token}/sendMessage"),
                    new { chat_id = chat, text = text.Body, disable_web_page_preview = true }, cancellationToken);
                break;
            case AlertChannelKind.Email:
                await MailAsync(channel.Target, text, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"{channel.Kind} channel without a usable target");
        }
    }

    private async Task PostAsync(Uri url, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Options.Set(Observability.PostingMetrics.NoTrace, true); // the URL is a secret: no span records it
        using var response = await clients.CreateClient(Client).SendAsync(request, cancellationToken);
        // The status only: the URL (a token, a secret webhook) stays out of the message.
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"HTTP {(int)response.StatusCode}", null, response.StatusCode);
    }

    private async Task MailAsync(string to, AlertText text, CancellationToken cancellationToken)
    {
        var smtp = options.CurrentValue.Smtp;
        var message = new MimeMessage { Subject = text.Subject, Body = new TextPart("plain") { Text = text.Body } };
        message.From.Add(MailboxAddress.Parse(smtp.From!));
        message.To.Add(MailboxAddress.Parse(to));
        using var client = new SmtpClient { Timeout = 30_000 };
        var security = !smtp.UseTls ? SecureSocketOptions.None : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await client.ConnectAsync(smtp.Host ?? throw new InvalidOperationException("Alerts:Smtp:Host is not set"), smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
        await client.SendAsync(message, cancellationToken);
        try
        {
            await client.DisconnectAsync(true, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or MailKit.ProtocolException or MailKit.CommandException or OperationCanceledException)
        {
            // Sent: a QUIT the server did not answer is not a failed delivery (a retry would send the mail again).
        }
    }
}
