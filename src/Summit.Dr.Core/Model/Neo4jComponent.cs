namespace Summit.Dr.Model;

public sealed record Neo4jComponent(
    ComponentStatus Status,
    string Database,
    ArtifactRecord? Artifact = null,
    SourceRecord? Source = null,
    string? AdminSyntax = null,
    bool? WasRunning = null,
    long? NodeCount = null,
    double? DowntimeSeconds = null,
    DateTimeOffset? StoppedAt = null,
    DateTimeOffset? StartedAt = null,
    long? RelationshipCount = null)
{
    /// <summary>Bytes of the store and its transaction logs when it was backed up: what a load-then-swap restore stages.</summary>
    public long? StoreBytes { get; init; }

    /// <summary>The work done while Neo4j was down: a copy (snapshot-then-dump) or the whole dump (in place).</summary>
    public Neo4jOffline? Offline { get; init; }
}

/// <summary>What Neo4j was down for (`copy`, `dump`, `rename` or `load`), and how long that work took.</summary>
public sealed record Neo4jOffline(string Work, double Seconds);
