namespace Summit.Dr.Manifest;

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
    long? RelationshipCount = null);
