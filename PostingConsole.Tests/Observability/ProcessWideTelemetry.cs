namespace PostingConsole.Tests.Observability;

/// <summary>
/// Tests that read meters or activities by name: OpenTelemetry's providers and an <see cref="System.Diagnostics.ActivityListener"/>
/// listen to every meter and source of that name in the test process, so these run alone, never beside another console
/// publishing (two test collections run at a time otherwise).
/// </summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class ProcessWideTelemetry
{
    public const string Collection = "Process-wide telemetry";
}
