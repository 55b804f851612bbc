namespace PostingConsole.Publishing;

/// <summary>
/// The clock of every wait for Meta: a Graph call's timeout and its retry back-off, container polling, the image
/// probe's cap, and the Sandbox's answer time. Real time in the product, and separate from business time
/// (schedules, leases, retries), so a test can freeze business time while Meta still answers, or run both on one
/// accelerated clock to rehearse a slow Meta against short leases.
/// </summary>
public sealed class GraphClock(TimeProvider time)
{
    public static GraphClock System { get; } = new(TimeProvider.System);

    public TimeProvider Time { get; } = time;
}
