namespace Summit.Dr.Benchmark;

/// <summary>
/// One timed run of a procedure. Neo4j's downtime is the container's own (die to start, from the engine's
/// events); the time until it answers is from the die event to the first answer of cypher-shell.
/// </summary>
/// <param name="Seconds">Wall time of the whole procedure.</param>
/// <param name="Neo4jDown">Container down: the die event to the start event.</param>
/// <param name="Neo4jUnanswered">The die event to the first answer after the start event.</param>
/// <param name="PeakBytes">summit-dr's peak resident memory (VmHWM); null for the runbook by hand.</param>
/// <param name="CpuSeconds">Core-seconds the whole machine was busy meanwhile (every process: the docker CLI and engine, the servers,
/// summit-dr), from /proc/stat.</param>
/// <param name="Steps">summit-dr's own steps from its --json outcome (name, seconds, start from the run's start).</param>
/// <param name="Shutdown">The clean shutdown: the stop's signal (docker's kill event) to the die event.</param>
/// <param name="Offline">What summit-dr did while Neo4j was down (copy, rename, dump or load) and how long it took, by its own
/// report.</param>
internal sealed record Measurement(
    double Seconds, double? Neo4jDown, double? Neo4jUnanswered, long? PeakBytes, double? CpuSeconds = null,
        IReadOnlyList<(string Name, double Seconds, double Start)>? Steps = null,
    double? Shutdown = null, (string Work, double Seconds)? Offline = null)
{
    /// <summary>Where the CPU went (<see cref="CpuAccount"/>).</summary>
    public CpuSplit? Cpu { get; init; }
}
