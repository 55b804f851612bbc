using System.Globalization;
using System.Text.RegularExpressions;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Components;

/// <summary>
/// The screens' texts come from the resource files: every <c>T("English")</c> and <c>TFormat("English {0}", …)</c> in the source
/// has its Korean and English words, with the same values in both.
/// </summary>
public partial class UiTextTests
{
    [GeneratedRegex(@"\b(?:T\(""((?:[^""\\]|\\.)*)""\)|TFormat\(""((?:[^""\\]|\\.)*)"",)")]
    private static partial Regex SingleText();

    /// <summary>Any call of T, and the forms that are allowed: one literal (a key), or a Korean/English pair of literals.</summary>
    [GeneratedRegex(@"(?<![\w.])T(?:Format)?\(")]
    private static partial Regex AnyCall();

    [GeneratedRegex(@"\GT\(""(?:[^""\\]|\\.)*""\)|\GT\(\$?""(?:[^""\\]|\\.)*"",\s*\$?""(?:[^""\\]|\\.)*""\)|\GTFormat\(""(?:[^""\\]|\\.)*"",")]
    private static partial Regex AllowedCall();

    [GeneratedRegex(@"\{(\d+)(?::[^}]*)?\}")]
    private static partial Regex Placeholders();

    [GeneratedRegex(@"[\uAC00-\uD7A3]")]
    private static partial Regex Hangul();

    [Fact]
    public void Every_call_asks_by_a_literal_key_or_gives_a_literal_pair()
    {
        var source = Path.Combine(RepositoryPaths.Root, "PostingConsole");
        var odd = new List<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
                     .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                                 && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !f.EndsWith("UiText.cs", StringComparison.Ordinal)))
        {
            odd.AddRange(OddCalls(File.ReadAllText(file)).Select(call => $"{Path.GetFileName(file)}: {call}"));
        }

        odd.ShouldBeEmpty("a key the resource test cannot see would show English on Korean screens");
    }

    [Fact]
    public void The_check_sees_a_text_asked_for_by_a_variable()
    {
        OddCalls("""@T("Retry") @T("재시도", "Retry") @TFormat("{0} selected", n)""").ShouldBeEmpty();
        OddCalls("""@T(label) @TFormat(format, n) @Tx("a")""").Select(call => call.Split(' ')[0]).ShouldBe(["T(label)", "TFormat(format,"]);
    }

    /// <summary>Calls of <c>T</c> or <c>TFormat</c> whose text is not a literal the resource test can read (each shown from its start).</summary>
    private static IEnumerable<string> OddCalls(string text) =>
        AnyCall().Matches(text).Where(call => !AllowedCall().IsMatch(text.AsSpan(), call.Index))
            .Select(call => text.Substring(call.Index, Math.Min(30, text.Length - call.Index)));

    [Fact]
    public void Every_text_a_screen_asks_for_is_in_both_resource_files()
    {
        var source = Path.Combine(RepositoryPaths.Root, "PostingConsole");
        var asked = Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => SingleText().Matches(File.ReadAllText(f))
                .Select(m => (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).Replace("\\\"", "\"", StringComparison.Ordinal)))
            .Distinct().ToList();
        asked.Count.ShouldBeGreaterThan(150, "the screens ask for their texts by key");
        foreach (var english in asked)
        {
            var korean = Texts.Find("ui." + english, CultureInfo.GetCultureInfo("ko"));
            korean.ShouldNotBeNull($"Texts.resx has ui.{english}");
            Hangul().IsMatch(korean).ShouldBeTrue($"ui.{english} is Korean in Texts.resx: {korean}");
            Texts.Find("ui." + english, CultureInfo.GetCultureInfo("en")).ShouldBe(english, $"Texts.en.resx has ui.{english}");
            Placeholders().Matches(korean).Select(m => m.Groups[1].Value).Distinct().Order()
                .ShouldBe(Placeholders().Matches(english).Select(m => m.Groups[1].Value).Distinct().Order(), $"the same values in both: {english} / {korean}");
        }
    }
}
