namespace PostingConsole.Operations;

/// <summary>
/// Tells the dispatcher that a post became due earlier than it planned for (post-now, retry, a new
/// post due at once), so it wakes up at that time instead of on its next one-minute tick.
/// </summary>
public sealed class DispatchSignal : WakeUpSignal;

/// <summary>Wakes a loop that sleeps until it is told something changed (no wake-up is lost between passes).</summary>
public class WakeUpSignal
{
    private readonly Lock gate = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake()
    {
        TaskCompletionSource previous;
        lock (gate)
        {
            previous = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    /// <summary>A task that completes at the next <see cref="Wake"/>.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return changed.Task.WaitAsync(cancellationToken);
        }
    }
}
