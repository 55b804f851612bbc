using Coravel.Invocable;
using PostingConsole.Data;

namespace PostingConsole.Worker;

/// <summary>Coravel's hourly sweep of old history's heavy parts (<see cref="RetentionSweep"/>, <c>Retention:DetailsFor</c>).</summary>
public sealed class SweepOldDetails(RetentionSweep sweep) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => sweep.RunAsync(CancellationToken);
}
