using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summit.Dr.Backup;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Manifest;
using Summit.Dr.Neo4j;
using Summit.Dr.Postgres;
using Summit.Dr.Progress;
using Summit.Dr.Uploads;

namespace Summit.Dr.Restore;

/// <summary>
/// Everything that is checked before anything is destroyed (invariant 3): the directory is a complete
/// backup, the manifest parses and every checksum matches, `pg_restore --list` reads the dump, every tar
/// entry is safe, the Neo4j dump is readable. Any failure is an <see cref="IntegrityException"/> (exit 4)
/// naming the artifact and the problem.
/// </summary>
public sealed class BackupVerifier
{
    private readonly PostgresService _postgres;
    private readonly Neo4jService _neo4j;
    private readonly IProgressReporter _progress;
    private readonly ILogger<BackupVerifier> _logger;

    public BackupVerifier(PostgresService postgres, Neo4jService neo4j, IProgressReporter progress, ILogger<BackupVerifier> logger)
    {
        _postgres = postgres;
        _neo4j = neo4j;
        _progress = progress;
        _logger = logger;
    }

    /// <param name="wanted">Components the caller needs; one the backup lacks is an error only if asked for explicitly.</param>
    public async Task<VerifiedBackup> VerifyAsync(
        string directory, IReadOnlySet<BackupComponent> wanted, bool explicitSelection, ContainerInfo? postgres, Neo4jTarget? neo4j, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(directory.TrimEnd('/'));
        if (!Directory.Exists(directory))
        {
            throw new IntegrityException($"Backup directory {directory} does not exist. Name a directory under the backup root, or `latest`.");
        }

        if (name.StartsWith(BackupLayout.IncompletePrefix, StringComparison.Ordinal))
        {
            throw new IntegrityException($"{directory} is an unfinished backup (its run did not complete); it cannot be restored.");
        }

        var warnings = new List<string>();
        var manifest = await ReadManifestAsync(directory, cancellationToken);
        HashSet<BackupComponent> present;
        if (manifest is null)
        {
            present = Enum.GetValues<BackupComponent>().Where(c => File.Exists(Path.Combine(directory, FileOf(c)))).ToHashSet();
            if (present.Count == 0)
            {
                throw new IntegrityException($"{directory} is not a complete backup: it has neither manifest.json nor any of postgres.dump, neo4j.dump, uploads.tar.gz.");
            }

            warnings.Add($"{name} has no manifest.json (made by the runbook's scripts?): there are no checksums to verify, only the structural checks.");
            _logger.LogWarning("{Warning}", warnings[^1]);
        }
        else
        {
            present = await VerifyChecksumsAsync(directory, manifest, cancellationToken);
        }

        var missing = wanted.Where(c => !present.Contains(c)).ToList();
        if (explicitSelection && missing.Count > 0)
        {
            throw new IntegrityException($"{name} has no {string.Join(", ", missing.Select(FileOf))}; it cannot restore {string.Join(", ", missing).ToLowerInvariant()}.");
        }

        foreach (var component in missing)
        {
            warnings.Add($"{name} has no {FileOf(component)}; the current {component.ToString().ToLowerInvariant()} data is left as it is.");
            _logger.LogWarning("{Warning}", warnings[^1]);
        }

        var selected = wanted.Where(present.Contains).ToHashSet();
        foreach (var component in selected)
        {
            var path = Path.Combine(directory, FileOf(component));
            if (new FileInfo(path).Length == 0)
            {
                throw new IntegrityException($"{FileOf(component)} in {name} is empty.");
            }
        }

        if (selected.Contains(BackupComponent.Postgres))
        {
            using var step = _progress.Start("check postgres.dump");
            var dump = Path.Combine(directory, BackupLayout.PostgresFile);
            var entries = await _postgres.ListArchiveAsync(postgres!.Name, dump, cancellationToken);
            if (manifest is null)
            {
                // No checksum vouches for the data blocks: read them all before anything is destroyed.
                await _postgres.ReadArchiveFullyAsync(postgres.Name, dump, cancellationToken);
            }

            step.Complete(detail: manifest is null ? $"pg_restore read all {entries} entries" : $"pg_restore --list: {entries} entries");
        }

        if (selected.Contains(BackupComponent.Uploads))
        {
            using var step = _progress.Start("check uploads.tar.gz");
            await using var archive = ArtifactFiles.OpenRead(Path.Combine(directory, BackupLayout.UploadsFile));
            var stats = await UploadsArchive.ReadAsync(archive, cancellationToken);
            step.Complete(detail: $"{stats.Files} files, every entry safe");
        }

        if (selected.Contains(BackupComponent.Neo4j))
        {
            using var step = _progress.Start("check neo4j.dump");
            var info = await _neo4j.ReadDumpInfoAsync(neo4j!, Path.Combine(directory, BackupLayout.Neo4jFile), cancellationToken);
            step.Complete(detail: info is null ? "non-empty (4.4 has no load --info)" : "neo4j-admin load --info read it");
        }

        var total = selected.Sum(c => new FileInfo(Path.Combine(directory, FileOf(c))).Length);
        return new VerifiedBackup(directory, manifest, selected, total, warnings);
    }

    public static string FileOf(BackupComponent component) => component switch
    {
        BackupComponent.Postgres => BackupLayout.PostgresFile,
        BackupComponent.Neo4j => BackupLayout.Neo4jFile,
        _ => BackupLayout.UploadsFile,
    };

    private static async Task<BackupManifest?> ReadManifestAsync(string directory, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(directory, BackupManifest.FileName)))
        {
            return null;
        }

        BackupManifest manifest;
        try
        {
            manifest = await BackupManifest.ReadAsync(directory, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"manifest.json in {Path.GetFileName(directory)} does not parse: {ex.Message}", ex);
        }

        if (manifest.FormatVersion > BackupManifest.CurrentFormatVersion)
        {
            throw new IntegrityException($"manifest.json has format version {manifest.FormatVersion}, newer than this summit-dr reads ({BackupManifest.CurrentFormatVersion}). Upgrade summit-dr.");
        }

        return manifest;
    }

    private async Task<HashSet<BackupComponent>> VerifyChecksumsAsync(string directory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var present = new HashSet<BackupComponent>();
        var components = new (BackupComponent Component, ComponentStatus? Status, ArtifactRecord? Artifact)[]
        {
            (BackupComponent.Postgres, manifest.Postgres?.Status, manifest.Postgres?.Artifact),
            (BackupComponent.Neo4j, manifest.Neo4j?.Status, manifest.Neo4j?.Artifact),
            (BackupComponent.Uploads, manifest.Uploads?.Status, manifest.Uploads?.Artifact),
        };
        foreach (var (component, status, artifact) in components)
        {
            if (status != ComponentStatus.Captured)
            {
                continue;
            }

            if (artifact is null || artifact.File != FileOf(component))
            {
                throw new IntegrityException($"manifest.json in {Path.GetFileName(directory)} records {component} as captured but names no {FileOf(component)}.");
            }

            var path = Path.Combine(directory, artifact.File);
            if (!File.Exists(path))
            {
                throw new IntegrityException($"{artifact.File} is missing from {Path.GetFileName(directory)}, though its manifest records it.");
            }

            var size = new FileInfo(path).Length;
            if (size != artifact.Size)
            {
                throw new IntegrityException($"{artifact.File} is {size} bytes, but the manifest records {artifact.Size}: the file was truncated or changed.");
            }

            using var step = _progress.Start($"checksum {artifact.File}");
            string actual;
            await using (var stream = ArtifactFiles.OpenRead(path))
            {
                actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            }

            if (!string.Equals(actual, artifact.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new IntegrityException($"{artifact.File} does not match its SHA-256 in the manifest (expected {artifact.Sha256}, found {actual}): the file or the manifest was changed.");
            }

            step.Complete(size, "SHA-256 matches");
            present.Add(component);
        }

        return present;
    }
}
