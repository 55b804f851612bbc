using PostingConsole.Publishing;

namespace PostingConsole.Sandbox;

/// <summary>
/// The Sandbox's simulated CDN: <c>http://cdn.sandbox.test/{path}</c> serves the file at <c>{path}</c> under <c>Media:LocalRoot</c>
/// as a CDN would (404 when there is none). The console's own fetchers (the readiness check, the publisher's image probe, the
/// Sandbox's Meta fetcher) reach it through <see cref="Handler"/>, which sends the host's requests to the console itself; the
/// demo's post whose image "was deleted upstream" points here.
/// </summary>
public static class SandboxCdn
{
    /// <summary>A name in the reserved <c>.test</c> domain: never a real host.</summary>
    public const string Host = "cdn.sandbox.test";

    public static IEndpointRouteBuilder MapSandboxCdn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sandbox/cdn/{**path}", (string path, Operations.MediaFiles media) =>
                media.TryResolve(path, out var file, out _)
                    ? Results.File(file, Path.GetExtension(file).ToLowerInvariant() switch { ".png" => "image/png", ".mp4" => "video/mp4", _ => "image/jpeg" })
                    : Results.NotFound())
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Sends requests for <see cref="Host"/> to the console's own <c>/sandbox/cdn/</c>; every other request goes on as it is.</summary>
    public sealed class Handler(ConsoleAddress address) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri && string.Equals(uri.Host, Host, StringComparison.OrdinalIgnoreCase))
                request.RequestUri = new Uri(address.Loopback, "sandbox/cdn" + uri.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
