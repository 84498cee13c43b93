namespace Summit.Dr.Model;

public sealed record PostgresComponent(
    ComponentStatus Status,
    string Database,
    ArtifactRecord? Artifact = null,
    SourceRecord? Source = null,
    int? TableCount = null,
    IReadOnlyDictionary<string, long>? RowEstimates = null,
    int? ArchiveEntries = null,
    IReadOnlyDictionary<string, long>? RowCounts = null,
    PostgresBase? Base = null);
