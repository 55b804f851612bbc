namespace PostingConsole.Security;

/// <summary>Where a redirect may go: only a path of this site (never <c>//other.site</c> or <c>/\other.site</c>).</summary>
public static class LocalUrl
{
    public static string OrRoot(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
