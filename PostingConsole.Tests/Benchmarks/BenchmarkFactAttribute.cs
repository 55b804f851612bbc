using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Benchmarks;

/// <summary>A benchmark: runs only with RUN_BENCHMARKS=1 (scripts/benchmark.sh), prints figures, asserts nothing about speed.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("RUN_BENCHMARKS") != "1") Skip = "Benchmarks run with scripts/benchmark.sh (RUN_BENCHMARKS=1).";
        Timeout = 0;
    }
}

/// <summary>Writes benchmark figures to the test output and to artifacts/benchmarks/, where scripts/benchmark.sh prints them.</summary>
public static class BenchmarkReport
{
    /// <summary>Benchmarks run one after another: two at once would share the two cores and measure each other.</summary>
    public const string Collection = "Benchmarks";

    public static void Write(string name, IEnumerable<string> lines) =>
        File.WriteAllLines(Path.Combine(RepositoryPaths.Artifacts("benchmarks"), name + ".txt"), lines);
}

[CollectionDefinition(BenchmarkReport.Collection)]
public sealed class BenchmarkCollection;
