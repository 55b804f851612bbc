using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("PostingConsole.Tests.TestInfrastructure.LongestFirst", "PostingConsole.Tests")]

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>
/// Starts the collections that take longest first (a single-file publish, real console processes, the browsers, the
/// two-dispatcher races), so the suite's tail is the many short ones filling in beside them, not one long one alone.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest =
    [
        "SingleFileInstallTests", ConsoleProcesses.Collection, Browser.BrowserCollections.Screens, Browser.BrowserCollections.LiveUpdates,
        Browser.BrowserCollections.Access, Browser.BrowserCollections.ScaleOut, "NeverTwiceTests", "PublishEdgeCaseTests", "FencedClaimTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .OrderBy(c => Rank(c.DisplayName))
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Rank(string displayName)
    {
        for (var i = 0; i < Longest.Length; i++)
        {
            if (displayName.EndsWith(Longest[i], StringComparison.Ordinal)) return i;
        }

        return Longest.Length;
    }
}

/// <summary>
/// The tests that run several real console processes (each with its dispatcher and Graph calls) take turns: two of them side
/// by side on the suite's 2 cores starve each other, and the browsers beside them.
/// </summary>
[CollectionDefinition(Collection)]
public sealed class ConsoleProcesses
{
    public const string Collection = "console-processes";
}
