using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>
/// The Graph calls of several console processes as the consoles saw them, read from their <c>GraphCallLog</c> Debug lines
/// (one monotonic clock for every process on the machine): how many were in flight at once, and which.
/// </summary>
public sealed partial class GraphCallTimeline
{
    /// <summary>The setting that turns the lines on, as an environment variable of a console process.</summary>
    public const string LogLevelVariable = "Logging__LogLevel__PostingConsole.Publishing.Graph.GraphCallLog";

    private readonly List<(long At, int Change, string Call)> changes = [];

    /// <param name="outputs">Each process's output, and whether it was killed.</param>
    public GraphCallTimeline(params (string Output, bool Killed)[] outputs)
    {
        for (var process = 0; process < outputs.Length; process++)
        {
            var (output, killed) = outputs[process];
            var open = new Dictionary<long, string>();
            var began = new Dictionary<long, long>();
            foreach (Match line in CallLine().Matches(output))
            {
                var number = long.Parse(line.Groups["number"].Value);
                var at = long.Parse(line.Groups["at"].Value);
                if (line.Groups["call"].Success)
                {
                    var call = $"process {process + 1}, call {number}: {line.Groups["call"].Value}";
                    open[number] = call;
                    began[number] = at;
                    changes.Add((at, +1, call));
                }
                else if (open.Remove(number, out var call))
                {
                    changes.Add((Math.Max(at, began[number] + 1), -1, call)); // after its own begin, even within one clock tick
                }
            }

            // Still open when the output ended. A killed process's last lines may be lost (an end among them), so its open calls
            // are left out: the posts it had in flight stay InProgress, counted by the claims, until another process takes them
            // over. A live process's are in flight until now (Open tells a caller to wait for their ends first).
            if (!killed)
            {
                Open += open.Count;
                foreach (var (number, call) in open) changes.Add((Math.Max(Stopwatch.GetTimestamp(), began[number] + 1), -1, call));
            }
            else
            {
                changes.RemoveAll(c => c.Change > 0 && open.ContainsValue(c.Call));
            }
        }

        Calls = changes.Count(c => c.Change > 0);
        // Ends before begins at the same tick: a call that ends as another begins is not two in flight.
        var inFlight = new HashSet<string>();
        foreach (var (_, change, call) in changes.OrderBy(c => c.At).ThenBy(c => c.Change))
        {
            if (change > 0) inFlight.Add(call);
            else inFlight.Remove(call);
            if (inFlight.Count <= MaxInFlight) continue;
            MaxInFlight = inFlight.Count;
            BusiestMoment = inFlight.Order().ToList();
        }
    }

    /// <summary>Waits (bounded) until live processes' outputs hold an end line for every call they began (a log line comes a little after).</summary>
    public static async Task WaitForEndLinesAsync(params Func<string>[] liveOutputs)
    {
        var waited = Stopwatch.StartNew();
        while (new GraphCallTimeline(liveOutputs.Select(output => (output(), false)).ToArray()).Open > 0)
        {
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(1), "every Graph call's end line was read");
            await Task.Delay(500);
        }
    }

    public int Calls { get; }

    /// <summary>Calls of the live processes without an end line yet (in flight, or their line not yet read).</summary>
    public int Open { get; }

    public int MaxInFlight { get; private set; }

    public IReadOnlyList<string> BusiestMoment { get; private set; } = [];

    [GeneratedRegex(@"Graph call (?<number>\d+) (?:(?<call>\S+ \S+) began|ended) at (?<at>\d+)")]
    private static partial Regex CallLine();
}
