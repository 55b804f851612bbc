using PostingConsole.Configuration;

namespace PostingConsole.Operations;

/// <summary>
/// Resolves local media paths (<c>imagePath</c>, <c>videoPath</c>) inside <c>Media:LocalRoot</c>. Nothing outside the root is ever
/// read: absolute paths, <c>..</c> segments and links that lead out are refused.
/// </summary>
public sealed class MediaFiles(AppPaths paths)
{
    public string Root { get; } = paths.MediaRoot;

    /// <summary>The full path of an existing file inside the root, or what is wrong with the path ("must be relative …"), for the field's message.</summary>
    public bool TryResolve(string relativePath, out string fullPath, out string error)
    {
        fullPath = "";
        error = "";
        if (string.IsNullOrWhiteSpace(relativePath))
        {
            error = "must not be empty";
            return false;
        }

        var normalized = relativePath.Replace('\\', '/');
        if (Path.IsPathRooted(normalized) || normalized.StartsWith('/') || normalized.Contains(':'))
        {
            error = "must be relative to Media:LocalRoot";
            return false;
        }

        var segments = normalized.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s is ".." or "."))
        {
            error = "must not contain '.' or '..' segments";
            return false;
        }

        if (normalized.Any(char.IsControl))
        {
            error = "contains control characters";
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
                    error = "leads outside Media:LocalRoot";
                    return false;
                }

                current = target;
            }
        }

        if (!IsInside(root, current) || !File.Exists(current))
        {
            error = !IsInside(root, current) ? "leads outside Media:LocalRoot" : "names no file in Media:LocalRoot";
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
