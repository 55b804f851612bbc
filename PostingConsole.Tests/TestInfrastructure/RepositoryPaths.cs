namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>Folders of the repository the tests run from (found by walking up to PostingConsole.sln).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>artifacts/&lt;name&gt;</c> under the root, created: screenshots, benchmark figures.</summary>
    public static string Artifacts(string name)
    {
        var folder = Path.Combine(Root, "artifacts", name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PostingConsole.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"No PostingConsole.sln above {AppContext.BaseDirectory}.");
    }
}
