using Microsoft.Extensions.Options;
using PostingConsole.Configuration;

namespace PostingConsole.Publishing.Graph;

/// <summary>
/// Where Graph calls go: <c>Graph:BaseUrl</c> in Live mode, the console's own <c>/sandbox/graph/</c> in
/// Sandbox mode. Every path carries the pinned <c>Graph:ApiVersion</c>.
/// </summary>
public sealed class GraphEndpoint(IOptions<GraphOptions> options, ConsoleAddress address)
{
    public const string SandboxPrefix = "sandbox/graph/";

    public Uri BaseUrl => options.Value.Mode == GraphMode.Live
        ? EnsureSlash(options.Value.BaseUrl)
        : new Uri(address.Loopback, SandboxPrefix);

    public Uri Resolve(string relative) => new(BaseUrl, $"{options.Value.ApiVersion}/{relative}");

    private static Uri EnsureSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
