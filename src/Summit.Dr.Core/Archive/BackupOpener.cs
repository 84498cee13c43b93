using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summit.Dr.Archive.Manifests;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Errors;
using Summit.Dr.Model;

namespace Summit.Dr.Archive;

/// <summary>
/// A backup directory opened as restore, drill and check open it: it exists and is not unfinished work, its manifest
/// (if any) is read once and parsed from the very bytes its signature is checked on, and this host accepts it
/// (Signing:TrustedKeyFiles, Encryption:Required). Tells which artifacts it holds. Any failure is exit 4.
/// </summary>
public sealed class BackupOpener(BackupTrust trust, ILogger<BackupOpener> logger)
{
    private static readonly BackupComponent[] Order = [BackupComponent.Postgres, BackupComponent.Neo4j, BackupComponent.Uploads];

    /// <summary>
    /// The directory-level checks: it exists, is not unfinished work, and its manifest (if any) parses. Tells
    /// which artifacts the backup holds. Throws <see cref="IntegrityException"/>.
    /// </summary>
    public Task<OpenedBackup> OpenAsync(string directory, CancellationToken cancellationToken) =>
        OpenAsync(directory, [], cancellationToken);

    /// <inheritdoc cref="OpenAsync(string, CancellationToken)"/>
    /// <param name="notes">What choosing the backup found worth saying (what `latest` passed over): warnings of the run.</param>
    public Task<OpenedBackup> OpenAsync(string directory, IReadOnlyList<string> notes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var name = Path.GetFileName(directory.TrimEnd('/'));
        if (!Directory.Exists(directory))
        {
            throw new IntegrityException($"Backup directory {directory} does not exist. Name a directory under the backup root, or " +
                $"`latest`.");
        }

        if (name.StartsWith(BackupLayout.IncompletePrefix, StringComparison.Ordinal))
        {
            throw new IntegrityException($"{directory} is an unfinished backup (its run did not complete); it cannot be restored.");
        }

        var warnings = notes.ToList();
        foreach (var note in notes)
        {
            logger.LogWarning("{Warning}", note);
        }

        var (manifest, manifestBytes) = ReadManifest(directory);
        HashSet<BackupComponent> present;
        if (manifest is null)
        {
            present = Order.Where(c => File.Exists(Path.Combine(directory, BackupLayout.FileOf(c)))).ToHashSet();
            if (present.Count == 0)
            {
                throw new IntegrityException($"{directory} is not a complete backup: it has neither manifest.json nor any of " +
                    $"postgres.dump, neo4j.dump, uploads.tar.gz.");
            }

            warnings.Add($"{name} has no manifest.json (made by the runbook's scripts?): there are no checksums to verify, only the " +
                $"structural checks.");
            logger.LogWarning("{Warning}", warnings[^1]);
        }
        else
        {
            present = Order.Where(c => ArtifactChecks.Captured(manifest, c) is not null).ToHashSet();
        }

        // Before any artifact is read: who made it (Signing:TrustedKeyFiles), and whether it is encrypted (Encryption:Required).
        var verdict = trust.Require(trust.Judge(directory, manifest, manifestBytes), name);
        return Task.FromResult(new OpenedBackup(directory, manifest, present, warnings) { Trust = verdict });
    }

    /// <summary>The manifest and the very bytes it was parsed from (its signature is checked on them); none for a backup without
    /// one.</summary>
    private static (BackupManifest? Manifest, byte[]? Bytes) ReadManifest(string directory)
    {
        byte[] bytes;
        try
        {
            bytes = ManifestFiles.ReadBytes(directory);
        }
        catch (FileNotFoundException)
        {
            return (null, null);
        }

        BackupManifest manifest;
        try
        {
            manifest = ManifestFiles.Parse(bytes, Path.GetFileName(directory.TrimEnd('/')));
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"manifest.json in {Path.GetFileName(directory)} does not parse: {ex.Message}", ex);
        }

        if (manifest.FormatVersion > BackupManifest.CurrentFormatVersion)
        {
            throw new IntegrityException($"manifest.json has format version {manifest.FormatVersion}, newer than this summit-dr reads " +
                $"({BackupManifest.CurrentFormatVersion}). Upgrade summit-dr.");
        }

        return (manifest, bytes);
    }

}
