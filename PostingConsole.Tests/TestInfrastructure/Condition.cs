using System.Diagnostics;

namespace PostingConsole.Tests.TestInfrastructure;

public static class Condition
{
    /// <summary>Waits (real time, bounded) for a condition another thread makes true; fails the test when it never does.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan? limit = null) => WaitUntilAsync(() => Task.FromResult(condition()), limit);

    /// <summary>The same, for a condition read asynchronously (from the database, say).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? limit = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            waited.Elapsed.ShouldBeLessThan(limit ?? TimeSpan.FromSeconds(20), "the condition came true");
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Fails the test once <paramref name="waited"/> is past <paramref name="limit"/>, with <paramref name="what"/>'s message: made
    /// only then (a message holding a process's output, built on every pass of a polling loop, costs the machine's CPU).
    /// </summary>
    public static void ShouldBeWithin(Stopwatch waited, TimeSpan limit, Func<string> what)
    {
        if (waited.Elapsed > limit) throw new ShouldAssertException($"not within {limit}: {what()}");
    }
}
