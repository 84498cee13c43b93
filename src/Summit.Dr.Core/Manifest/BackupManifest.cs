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

    public static async Task WriteAsync(string directory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        await using var stream = PrivateFiles.Create(path);
        await JsonSerializer.SerializeAsync(stream, manifest, JsonDefaults.Options, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Reads DIRECTORY/manifest.json. It does not parse: <see cref="JsonException"/>. It names a file other than
    /// a store's one artifact name, or is too large to be one: <see cref="Errors.IntegrityException"/>.
    /// </summary>
    public static async Task<BackupManifest> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        if (new FileInfo(path).Length > MaxBytes)
        {
            throw new Errors.IntegrityException($"{FileName} in {System.IO.Path.GetFileName(directory)} is larger than any manifest summit-dr writes; it is not read.");
        }

        await using var stream = File.OpenRead(path);
        return Parse(await JsonSerializer.DeserializeAsync<BackupManifest>(stream, JsonDefaults.Options, cancellationToken), System.IO.Path.GetFileName(directory));
    }

    /// <summary>DIRECTORY/manifest.json read at once (it is small), checked as <see cref="ReadAsync"/> checks it.</summary>
    public static BackupManifest Read(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        return new FileInfo(path).Length > MaxBytes
            ? throw new Errors.IntegrityException($"{FileName} in {System.IO.Path.GetFileName(directory)} is larger than any manifest summit-dr writes; it is not read.")
            : Parse(File.ReadAllBytes(path), System.IO.Path.GetFileName(directory));
    }

    /// <summary>The manifest of <paramref name="where"/>, from its bytes (off-site), checked as <see cref="ReadAsync"/> checks it.</summary>
    public static BackupManifest Parse(ReadOnlySpan<byte> json, string where) =>
        Parse(JsonSerializer.Deserialize<BackupManifest>(json, JsonDefaults.Options), where);

    private static BackupManifest Parse(BackupManifest? manifest, string where)
    {
        if (manifest is null)
        {
            throw new JsonException("manifest.json is empty");
        }

        ArtifactNames.Require(manifest, where);
        return manifest;
    }
}
