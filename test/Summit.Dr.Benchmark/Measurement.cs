namespace Summit.Dr.Benchmark;

/// <summary>One timed run: total seconds, Neo4j downtime (stop to answering again), and summit-dr's peak memory.</summary>
internal sealed record Measurement(double Seconds, double? Neo4jDowntime, long? PeakBytes);
