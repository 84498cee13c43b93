using Summit.Dr.Archive.Encryption;
using Summit.Dr.Archive.Manifests;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Model;
using Summit.Dr.Steps;


namespace Summit.Dr.Operations.Backup;

/// <summary>
/// What makes captured artifacts a backup others can trust: the manifest, which records every artifact's size
/// and SHA-256 and how the backup is encrypted, written last and flushed, and its signature by the backup
/// host's key when one is configured.
/// </summary>
public sealed class BackupSealing(ArtifactEncryption encryption, ManifestSigner signer, StepRunner steps, ToolInfo tool, TimeProvider time)
{
    public string ToolVersion => tool.Version;

    /// <summary>
    /// Before anything is stopped: the public keys and the signing key are read (and the signing key unlocked),
    /// so a key that cannot serve fails the run at once. Returns what the manifest will record of the encryption.
    /// </summary>
    public EncryptionRecord? Prepare()
    {
        signer.Describe();
        return encryption.Describe();
    }

    /// <summary>Writes manifest.json (and manifest.json.sig) into <paramref name="work"/>; null in a dry run.</summary>
    public Task<BackupManifest?> SealAsync(
        BackupRequest request,
        BackupSources sources,
        string name,
        string work,
        (PostgresComponent Postgres, Neo4jComponent Neo4j, UploadsComponent Uploads) stores,
        IReadOnlyList<StepRecord> recorded,
        CancellationToken cancellationToken) =>
        steps.RunAsync<BackupManifest?>("manifest", set =>
        {
            var manifest = Manifest(request, sources, name, stores, recorded);
            return Script.InProcess($"{BackupManifest.FileName}, written last and " +
                $"flushed", token => ManifestFiles.WriteAsync(work, manifest, token))
                .Then(signer.Sign(work))
                .Then(Script.Do(() => set(manifest)));
        }, planned: null, cancellationToken);

    private BackupManifest Manifest(
        BackupRequest request, BackupSources sources, string name,
            (PostgresComponent Postgres, Neo4jComponent Neo4j, UploadsComponent Uploads) stores, IReadOnlyList<StepRecord> recorded)
    {
        var warnings = new List<string>();
        if (stores.Uploads.Status == ComponentStatus.Missing)
        {
            warnings.Add($"Uploads directory {stores.Uploads.Path} does not exist; the backup has no uploads.tar.gz.");
        }

        warnings.AddRange((stores.Uploads.Skipped ?? []).Select(s => $"Not archived: {s}"));
        var artifacts = new[] { stores.Postgres.Artifact, stores.Neo4j.Artifact,
            stores.Uploads.Artifact }.OfType<ArtifactRecord>().ToList();
        var window = artifacts.Count == 0 ? null : new ConsistencyWindow(artifacts.Min(a => a.StartedAt), artifacts.Max(a => a.FinishedAt));
        return new BackupManifest(
            sources.Encryption is null ? BackupManifest.PlainFormatVersion : BackupManifest.CurrentFormatVersion,
            tool.Version,
            name,
            request.Kind,
            time.GetUtcNow(),
            Environment.MachineName,
            stores.Postgres,
            stores.Neo4j,
            stores.Uploads,
            window,
            warnings,
            recorded,
            sources.Encryption);
    }
}
