using System.Text.Json;
using Summit.Dr.Backup;

namespace Summit.Dr.Manifest;

/// <summary>manifest.json: written last, it is what makes a backup directory a complete backup.</summary>
public sealed record BackupManifest(
    int FormatVersion,
    string ToolVersion,
    string Name,
    BackupKind Kind,
    DateTimeOffset CreatedAt,
    string Host,
    PostgresComponent Postgres,
    Neo4jComponent Neo4j,
    UploadsComponent Uploads,
    // Written as null when nothing was captured: a manifest is read back with every non-default field required.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] ConsistencyWindow? Window,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<Steps.StepRecord>? Steps = null,
    EncryptionRecord? Encryption = null)
{
    /// <summary>The newest format this version reads: 2 for an encrypted backup, which an older summit-dr must refuse, else 1.</summary>
    public const int CurrentFormatVersion = 2;

    public const int PlainFormatVersion = 1;
    public const string FileName = "manifest.json";

    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<ArtifactRecord> Artifacts =>
        Enum.GetValues<BackupComponent>().Select(c => Of(c).Artifact).OfType<ArtifactRecord>();

    /// <summary>One store's status and artifact, whichever store it is.</summary>
    public (ComponentStatus Status, ArtifactRecord? Artifact) Of(BackupComponent component) => component switch
    {
        BackupComponent.Postgres => (Postgres.Status, Postgres.Artifact),
        BackupComponent.Neo4j => (Neo4j.Status, Neo4j.Artifact),
        _ => (Uploads.Status, Uploads.Artifact),
    };

    /// <summary>The stores whose artifact was written and verified.</summary>
    public IReadOnlySet<BackupComponent> Captured =>
        Enum.GetValues<BackupComponent>().Where(c => Of(c).Status == ComponentStatus.Captured).ToHashSet();

    public static async Task WriteAsync(string directory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await JsonSerializer.SerializeAsync(stream, manifest, JsonDefaults.Options, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
    }

    public static async Task<BackupManifest> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(System.IO.Path.Combine(directory, FileName));
        return await JsonSerializer.DeserializeAsync<BackupManifest>(stream, JsonDefaults.Options, cancellationToken)
            ?? throw new JsonException("manifest.json is empty");
    }
}
