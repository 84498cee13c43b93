using System.Text.Json;

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
    ConsistencyWindow? Window,
    IReadOnlyList<string> Warnings)
{
    public const int CurrentFormatVersion = 1;
    public const string FileName = "manifest.json";

    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<ArtifactRecord> Artifacts =>
        new[] { Postgres.Artifact, Neo4j.Artifact, Uploads.Artifact }.OfType<ArtifactRecord>();

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
