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
    /// a store's one artifact name or another backup, is too large to be a manifest, or is a link:
    /// <see cref="Errors.SummitDrException"/> (exit 4).
    /// </summary>
    public static Task<BackupManifest> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(directory));
    }

    /// <summary>DIRECTORY/manifest.json read at once (it is small), checked as <see cref="ReadAsync"/> checks it.</summary>
    public static BackupManifest Read(string directory) => Parse(ReadBytes(directory), System.IO.Path.GetFileName(directory.TrimEnd('/')));

    /// <summary>
    /// The bytes of DIRECTORY/manifest.json, read once through one handle that follows no link: the bytes a signature
    /// is checked on are the bytes that are then parsed.
    /// </summary>
    public static byte[] ReadBytes(string directory)
    {
        using var file = SafeFiles.OpenRead(FileName, 1 << 16, directory);
        if (file.Length > MaxBytes)
        {
            throw new Errors.IntegrityException($"{FileName} in {System.IO.Path.GetFileName(directory.TrimEnd('/'))} is larger than any manifest summit-dr writes; it is not read.");
        }

        using var copy = new MemoryStream((int)file.Length);
        file.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// The manifest of the backup named <paramref name="where"/> (its directory, or its prefix off-site), from its
    /// bytes, checked as <see cref="ReadAsync"/> checks it: it must name that very backup.
    /// </summary>
    public static BackupManifest Parse(ReadOnlySpan<byte> json, string where) =>
        Parse(JsonSerializer.Deserialize<BackupManifest>(json, JsonDefaults.Options), where);

    private static BackupManifest Parse(BackupManifest? manifest, string where)
    {
        if (manifest is null)
        {
            throw new JsonException("manifest.json is empty");
        }

        ArtifactNames.Require(manifest, where);
        if (!string.Equals(manifest.Name, where, StringComparison.Ordinal))
        {
            throw new Errors.IntegrityException(
                $"manifest.json of {where} was written for the backup '{manifest.Name}': a backup is taken only under the name it was made with, and this one was renamed or copied. " +
                $"Nothing was touched; give the directory its own name back ({manifest.Name}).");
        }

        return manifest;
    }
}
