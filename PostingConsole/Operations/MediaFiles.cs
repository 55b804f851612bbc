using PostingConsole.Configuration;

namespace PostingConsole.Operations;

/// <summary>
/// Resolves <c>imagePath</c> values inside <c>Media:LocalRoot</c>. Nothing outside the root is ever
/// read: absolute paths, <c>..</c> segments and links that lead out are refused.
/// </summary>
public sealed class MediaFiles(AppPaths paths)
{
    public string Root { get; } = paths.MediaRoot;

    /// <summary>The full path of an existing file inside the root, or an error in English for the problem details.</summary>
    public bool TryResolve(string relativePath, out string fullPath, out string error)
    {
        fullPath = "";
        error = "";
        if (string.IsNullOrWhiteSpace(relativePath))
        {
            error = "imagePath must not be empty.";
            return false;
        }

        var normalized = relativePath.Replace('\\', '/');
        if (Path.IsPathRooted(normalized) || normalized.StartsWith('/') || normalized.Contains(':'))
        {
            error = "imagePath must be relative to Media:LocalRoot.";
            return false;
        }

        var segments = normalized.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s is ".." or "."))
        {
            error = "imagePath must not contain '.' or '..' segments.";
            return false;
        }

        if (normalized.Any(char.IsControl))
        {
            error = "imagePath contains control characters.";
            return false;
        }

        var root = Path.GetFullPath(Root);
        var current = root;
        foreach (var segment in segments)
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                if (target is null || !IsInside(root, target))
                {
                    error = "imagePath leads outside Media:LocalRoot.";
                    return false;
                }

                current = target;
            }
        }

        if (!IsInside(root, current) || !File.Exists(current))
        {
            error = !IsInside(root, current) ? "imagePath leads outside Media:LocalRoot." : "imagePath: no such file in Media:LocalRoot.";
            return false;
        }

        fullPath = current;
        return true;
    }

    private static bool IsInside(string root, string path)
    {
        var full = Path.GetFullPath(path);
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal);
    }
}
