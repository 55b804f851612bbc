using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;

namespace PostingConsole.Publishing;

/// <summary>
/// This console's own addresses: <see cref="Loopback"/> for calls it makes to itself (the Sandbox Graph API),
/// <see cref="Public"/> for URLs Meta's fetcher downloads local images from (<c>Media:PublicBaseUrl</c>).
/// </summary>
public sealed class ConsoleAddress(IServer server, IOptions<MediaOptions> media, Security.MediaUrls mediaUrls)
{
    public Uri Loopback
    {
        get
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var first = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The console is not listening on any address yet.");
            var uri = new UriBuilder(first.Replace("://+", "://localhost").Replace("://*", "://localhost"));
            if (uri.Host is "0.0.0.0" or "[::]" or "::" or "localhost") uri.Host = "127.0.0.1";
            return new Uri(uri.Uri.GetLeftPart(UriPartial.Authority) + "/");
        }
    }

    public Uri Public => string.IsNullOrWhiteSpace(media.Value.PublicBaseUrl)
        ? Loopback
        : new Uri(media.Value.PublicBaseUrl.TrimEnd('/') + "/");

    /// <summary>The public, signed and expiring URL of a file under <c>Media:LocalRoot</c>.</summary>
    public string MediaUrl(string imagePath) => new Uri(Public, mediaUrls.PathAndQuery(imagePath)).AbsoluteUri;
}
