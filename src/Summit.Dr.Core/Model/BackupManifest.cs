
namespace Summit.Dr.Model;

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
    [property: System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] ConsistencyWindow? Window,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<StepRecord>? Steps = null,
    EncryptionRecord? Encryption = null)
{
    /// <summary>The newest format this version reads: 2 for an encrypted backup, which an older summit-dr must refuse, else 1.</summary>
    public const int CurrentFormatVersion = 2;

    public const int PlainFormatVersion = 1;
    public const string FileName = "manifest.json";

    /// <summary>The detached OpenPGP signature of manifest.json, beside it (opt-in, Signing:SecretKeyFile).</summary>
    public const string SignatureFileName = FileName + ".sig";

    /// <summary>No manifest summit-dr writes comes near this; one that does is not read into memory.</summary>
    public const long MaxBytes = 16 << 20;

    /// <summary>The artifacts of the stores the backup captured, each under its store's one name; the PostgreSQL base backup too.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<ArtifactRecord> Artifacts =>
        Enum.GetValues<BackupComponent>().Where(c => Of(c).Status == ComponentStatus.Captured).Select(c => Of(c).Artifact)
            .Append(Postgres.Status == ComponentStatus.Captured ? Postgres.Base?.Artifact : null)
            .OfType<ArtifactRecord>();

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
}
