using System.Text.RegularExpressions;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Architecture;

/// <summary>
/// The folders are layers and point one way (docs/architecture.md#layers): a namespace uses only namespaces below it. Read from
/// the source, so a using or a qualified name that points up fails here, naming the file.
/// </summary>
public partial class LayerTests
{
    /// <summary>Each top folder of the app and its layer; a folder may use only lower layers (its own sub-namespaces too).</summary>
    private static readonly Dictionary<string, int> Layers = new()
    {
        ["Configuration"] = 0,
        ["Domain"] = 0,
        ["Notifications"] = 1,
        ["Observability"] = 1,
        ["Data"] = 2,
        ["Security"] = 2,
        ["Publishing"] = 3,
        ["Slots"] = 3,
        ["Operations"] = 4,
        ["Sandbox"] = 5,
        ["Worker"] = 5,
        ["Readiness"] = 5,
        ["Insights"] = 5,
        ["Api"] = 6,
        ["Components"] = 6,
        ["Extensions"] = 7,
        ["Commands"] = 8,
    };

    [Fact]
    public void Every_folder_of_the_app_is_a_known_layer()
    {
        var folders = Directory.GetDirectories(AppFolder).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj" or "wwwroot" or "Properties" or "data"));
        folders.ShouldBe(Layers.Keys, ignoreOrder: true);
    }

    [Fact]
    public void No_namespace_uses_one_above_it_or_beside_it()
    {
        var wrong = new List<string>();
        foreach (var (folder, layer) in Layers)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(AppFolder, folder), "*.*", SearchOption.AllDirectories)
                         .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)))
            {
                var text = NamespaceDeclaration().Replace(File.ReadAllText(file), "");
                foreach (var used in References(text))
                {
                    if (used == folder || !Layers.TryGetValue(used, out var usedLayer)) continue;
                    if (usedLayer >= layer) wrong.Add($"{Path.GetRelativePath(AppFolder, file)}: {folder} (layer {layer}) uses {used} (layer {usedLayer})");
                }
            }
        }

        wrong.ShouldBeEmpty();
    }

    /// <summary>A file a newcomer can read in one sitting: none of the app's own (migrations aside) passes 400 lines.</summary>
    [Fact]
    public void No_file_of_the_app_passes_400_lines()
    {
        var extensions = new[] { ".cs", ".razor", ".js", ".css" };
        var files = Directory.EnumerateFiles(AppFolder, "*.*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f)))
            .Select(f => Path.GetRelativePath(AppFolder, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal)
                        && !f.Contains("/Migrations/", StringComparison.Ordinal) && !f.StartsWith("wwwroot/lib/", StringComparison.Ordinal))
            .ToList();
        files.ShouldContain("Publishing/PostPublisher.cs"); // the walk sees the app's files
        var long_ = files.Select(f => (File: f, Lines: File.ReadLines(Path.Combine(AppFolder, f)).Count())).Where(f => f.Lines > 400)
            .Select(f => $"{f.File}: {f.Lines} lines").ToList();
        long_.ShouldBeEmpty();
    }

    [Fact]
    public void The_check_sees_a_reference_that_points_up()
    {
        References("using PostingConsole.Operations;\nvar x = PostingConsole.Worker.Dispatcher.X;").ShouldBe(["Operations", "Worker"]);
        // Inside namespace PostingConsole.X the compiler also takes a name relative to PostingConsole.
        References("(HttpContext http, Operations.MediaFiles media) => Publishing.ImageProbe.Timeout").ShouldBe(["Operations", "Publishing"]);
        References("builder.Configuration.GetSection(x); System.Security.Claims; Microsoft.Data.Sqlite").ShouldBeEmpty();
        NamespaceDeclaration().Replace("namespace PostingConsole.Data;", "").ShouldBeEmpty();
    }

    private static string AppFolder => Path.Combine(RepositoryPaths.Root, "PostingConsole");

    /// <summary>The layers a text names: <c>PostingConsole.X</c>, or <c>X.Member</c> on its own (relative to PostingConsole).</summary>
    private static List<string> References(string text) =>
        [.. FullReference().Matches(text).Concat(ShortReference().Matches(text)).Select(m => m.Groups[1].Value)
            .Where(Layers.ContainsKey).Distinct()];

    [GeneratedRegex(@"\bPostingConsole\.([A-Z][A-Za-z]+)")]
    private static partial Regex FullReference();

    [GeneratedRegex(@"(?<![\w.@])(Api|Commands|Components|Configuration|Data|Domain|Extensions|Notifications|Operations|Publishing|Sandbox|Security|Worker)\.[A-Z]")]
    private static partial Regex ShortReference();

    [GeneratedRegex(@"^namespace PostingConsole[\w.]*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}
