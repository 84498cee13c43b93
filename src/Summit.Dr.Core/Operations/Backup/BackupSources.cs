using Summit.Dr.Engine.Docker;
using Summit.Dr.Model;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Postgres;


namespace Summit.Dr.Operations.Backup;

/// <summary>What a backup found before it stopped anything: the containers, their facts, the uploads and the room.</summary>
/// <param name="LastSizes">The artifacts' sizes in the newest complete backup: where a dump is expected to end, for progress.</param>
public sealed record BackupSources(
    ContainerInfo? Postgres,
    PostgresFacts? PostgresFacts,
    Neo4jTarget? Neo4j,
    string? UploadsPath,
    BackupEstimate Estimate,
    IReadOnlyDictionary<BackupComponent, long> LastSizes,
    EncryptionRecord? Encryption)
{
    /// <summary>The configured names a manifest records for a store the backup skips.</summary>
    public (string PostgresDatabase, string Neo4jDatabase, string UploadsPath) Configured { get; init; } = (
        string.Empty, string.Empty, string.Empty);

    public long? Expected(BackupComponent component) => LastSizes.TryGetValue(component, out var size) ? size : null;
}
