namespace Summit.Dr.Progress;

/// <summary>One step of a run, when it started and finished: the manifest keeps them, so anyone can see what ran while Neo4j was down.</summary>
public sealed record StepRecord(string Name, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);
