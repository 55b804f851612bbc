using System.Collections.Concurrent;
using PostingConsole.Domain;
using PostingConsole.Publishing;

namespace PostingConsole.Sandbox;

/// <summary>The faults each Sandbox account plays: set by a test or the persona, or a number of server errors on one call.</summary>
public sealed partial class SandboxGraphState
{
    private readonly ConcurrentDictionary<string, FaultOverride> faults = new();
    private readonly ConcurrentDictionary<string, (SandboxFault Fault, long ReadAt)> personaFaults = new();

    /// <summary>Plays <paramref name="fault"/> for the account; with <paramref name="times"/> only that many times.</summary>
    public void SetFault(string igUserId, SandboxFault fault, int? times = null) => faults[igUserId] = new FaultOverride(fault, times);

    public void ClearFault(string igUserId) => faults.TryRemove(igUserId, out _);

    private readonly ConcurrentDictionary<(string IgUserId, SandboxCall Call), int> serverErrors = new();

    /// <summary>
    /// The account's next <paramref name="times"/> calls of kind <paramref name="call"/> answer Meta's 500 (code 2) and do
    /// nothing, on top of any fault (a publish refused without publishing, a status read that fails, …).
    /// </summary>
    public void FailNext(string igUserId, SandboxCall call, int times) => serverErrors[(igUserId, call)] = times;

    /// <summary>Takes one scripted 500 for the call, if any is left.</summary>
    public bool TakeServerError(string igUserId, SandboxCall call)
    {
        while (serverErrors.TryGetValue((igUserId, call), out var left) && left > 0)
        {
            if (serverErrors.TryUpdate((igUserId, call), left - 1, left)) return true;
        }

        return false;
    }

    /// <summary>The fault set by <see cref="SetFault"/> (None once a counted one is used up), or null when none was set.</summary>
    public SandboxFault? OverrideFor(string igUserId) =>
        faults.TryGetValue(igUserId, out var entry) ? (entry.Remaining is 0 ? SandboxFault.None : entry.Fault) : null;

    /// <summary>Counts one use of a counted fault.</summary>
    public void Played(string igUserId)
    {
        if (!faults.TryGetValue(igUserId, out var entry)) return;
        lock (entry)
        {
            if (entry.Remaining > 0) entry.Remaining--;
        }
    }
}
