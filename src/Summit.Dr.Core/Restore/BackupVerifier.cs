using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summit.Dr.Backup;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Manifest;
using Summit.Dr.Neo4j;
using Summit.Dr.Postgres;
using Summit.Dr.Steps;
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
    private static readonly BackupComponent[] Order = [BackupComponent.Postgres, BackupComponent.Neo4j, BackupComponent.Uploads];

    private readonly PostgresService _postgres;
    private readonly Neo4jDumps _neo4j;
    private readonly StepRunner _steps;
    private readonly Encryption.ArtifactEncryption _encryption;
    private readonly ILogger<BackupVerifier> _logger;
    private readonly Trust.BackupTrust _trust;

    public BackupVerifier(PostgresService postgres, Neo4jDumps neo4j, StepRunner steps, Encryption.ArtifactEncryption encryption, Trust.BackupTrust trust, ILogger<BackupVerifier> logger)
    {
        _trust = trust;
        _encryption = encryption;
        _postgres = postgres;
        _neo4j = neo4j;
        _steps = steps;
        _logger = logger;
    }

    /// <summary>
    /// The directory-level checks: it exists, is not unfinished work, and its manifest (if any) parses. Tells
    /// which artifacts the backup holds. Throws <see cref="IntegrityException"/>.
    /// </summary>
    public Task<OpenedBackup> OpenAsync(string directory, CancellationToken cancellationToken) => OpenAsync(directory, [], cancellationToken);

    /// <inheritdoc cref="OpenAsync(string, CancellationToken)"/>
    /// <param name="notes">What choosing the backup found worth saying (what `latest` passed over): warnings of the run.</param>
    public Task<OpenedBackup> OpenAsync(string directory, IReadOnlyList<string> notes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var name = Path.GetFileName(directory.TrimEnd('/'));
        if (!Directory.Exists(directory))
        {
            throw new IntegrityException($"Backup directory {directory} does not exist. Name a directory under the backup root, or `latest`.");
        }

        if (name.StartsWith(BackupLayout.IncompletePrefix, StringComparison.Ordinal))
        {
            throw new IntegrityException($"{directory} is an unfinished backup (its run did not complete); it cannot be restored.");
        }

        var warnings = notes.ToList();
        foreach (var note in notes)
        {
            _logger.LogWarning("{Warning}", note);
        }

        var (manifest, manifestBytes) = ReadManifest(directory);
        HashSet<BackupComponent> present;
        if (manifest is null)
        {
            present = Order.Where(c => File.Exists(Path.Combine(directory, BackupLayout.FileOf(c)))).ToHashSet();
            if (present.Count == 0)
            {
                throw new IntegrityException($"{directory} is not a complete backup: it has neither manifest.json nor any of postgres.dump, neo4j.dump, uploads.tar.gz.");
            }

            warnings.Add($"{name} has no manifest.json (made by the runbook's scripts?): there are no checksums to verify, only the structural checks.");
            _logger.LogWarning("{Warning}", warnings[^1]);
        }
        else
        {
            present = Order.Where(c => Captured(manifest, c) is not null).ToHashSet();
        }

        // Before any artifact is read: who made it (Signing:TrustedKeyFiles), and whether it is encrypted (Encryption:Required).
        var trust = _trust.Require(_trust.Judge(directory, manifest, manifestBytes), name);
        return Task.FromResult(new OpenedBackup(directory, manifest, present, warnings) { Trust = trust });
    }

    /// <summary>
    /// One artifact: size and SHA-256 against the manifest, then read by the tool that will restore it.
    /// <paramref name="fullRead"/> also reads every data block of the PostgreSQL dump. Returns what was found.
    /// </summary>
    public async Task<string> CheckArtifactAsync(
        OpenedBackup backup, BackupComponent component, ContainerInfo? postgres, Neo4jTarget? neo4j, bool fullRead, CancellationToken cancellationToken)
    {
        var file = BackupLayout.FileOf(component);
        var path = Path.Combine(backup.Directory, file);
        if (backup.Manifest is { } manifest)
        {
            await VerifyChecksumAsync(backup, manifest, component, cancellationToken);
        }
        else if (!File.Exists(path))
        {
            throw new IntegrityException($"{file} is missing from {backup.Name}.");
        }

        if (new FileInfo(path).Length == 0)
        {
            throw new IntegrityException($"{file} in {backup.Name} is empty.");
        }

        return await _steps.RunAsync($"check {file}", async (step, token) =>
        {
            var detail = await ReadAsync(backup, component, postgres, neo4j, fullRead, token);
            step.Report(detail: detail);
            return detail;
        }, cancellationToken);
    }

    /// <summary>The artifact read by the tool that restores it: what the read found.</summary>
    private async Task<string> ReadAsync(OpenedBackup backup, BackupComponent component, ContainerInfo? postgres, Neo4jTarget? neo4j, bool fullRead, CancellationToken cancellationToken)
    {
        switch (component)
        {
            case BackupComponent.Postgres:
                var entries = await ReadPostgresDumpAsync(backup, postgres!.Name, fullRead, cancellationToken);
                return fullRead ? $"pg_restore read all {entries} entries" : $"pg_restore --list: {entries} entries";
            case BackupComponent.Uploads:
                await using (var archive = _encryption.Open(backup, component))
                {
                    var stats = await UploadsArchive.ReadAsync(archive, cancellationToken);
                    return $"{stats.Files} files, every entry safe, read to the end";
                }

            default:
                await using (var dump = _encryption.Open(backup, component))
                {
                    var info = await _neo4j.ReadDumpInfoAsync(neo4j!, dump, BackupLayout.FileOf(component), cancellationToken);
                    // Read to the end: an encrypted dump's integrity check comes last.
                    await dump.CopyToAsync(Stream.Null, cancellationToken);
                    return info is null ? "read to its end (4.4 has no load --info)" : "neo4j-admin load --info read its header; read to its end";
                }
        }
    }

    /// <summary>
    /// pg_restore reads the dump (decrypted when the backup is encrypted): its table of contents, and with
    /// <paramref name="fullRead"/> every data block to the end. Returns the number of entries.
    /// </summary>
    public async Task<int> ReadPostgresDumpAsync(OpenedBackup backup, string container, bool fullRead, CancellationToken cancellationToken)
    {
        int entries;
        await using (var dump = _encryption.Open(backup, BackupComponent.Postgres))
        {
            entries = await _postgres.ListArchiveAsync(container, dump, BackupLayout.PostgresFile, cancellationToken);
        }

        if (fullRead)
        {
            await using var dump = _encryption.Open(backup, BackupComponent.Postgres);
            await _postgres.ReadArchiveFullyAsync(container, dump, BackupLayout.PostgresFile, cancellationToken);
            await dump.CopyToAsync(Stream.Null, cancellationToken);
        }

        return entries;
    }

    /// <summary>
    /// Before an artifact is read: it exists, is not empty, and has the size its manifest records. Returns the
    /// manifest's record of it, whose SHA-256 the read must then match (<see cref="RequireChecksum"/>), or null
    /// for a backup without a manifest.
    /// </summary>
    /// <summary>The PostgreSQL base backup the manifest records, present with its recorded size; none when it records none.</summary>
    public static IEnumerable<ArtifactRecord> RequireBasePresent(OpenedBackup backup)
    {
        if (backup.Manifest?.Postgres is not { Status: ComponentStatus.Captured, Base.Artifact: { } artifact })
        {
            yield break;
        }

        var path = Path.Combine(backup.Directory, artifact.File);
        var size = File.Exists(path) ? new FileInfo(path).Length : (long?)null;
        yield return size == artifact.Size ? artifact
            : throw new IntegrityException(size is null
                ? $"{artifact.File} is missing from {backup.Name}, though its manifest records it."
                : $"{artifact.File} is {size} bytes, but the manifest records {artifact.Size}: the file was truncated or changed.");
    }

    public static ArtifactRecord? RequirePresent(OpenedBackup backup, BackupComponent component)
    {
        var file = BackupLayout.FileOf(component);
        var path = Path.Combine(backup.Directory, file);
        var artifact = backup.Manifest is { } manifest ? Captured(manifest, component) : null;
        if (!File.Exists(path))
        {
            throw new IntegrityException(artifact is null
                ? $"{file} is missing from {backup.Name}."
                : $"{file} is missing from {backup.Name}, though its manifest records it.");
        }

        var size = new FileInfo(path).Length;
        if (artifact is not null && size != artifact.Size)
        {
            throw new IntegrityException($"{file} is {size} bytes, but the manifest records {artifact.Size}: the file was truncated or changed.");
        }

        return size == 0 ? throw new IntegrityException($"{file} in {backup.Name} is empty.") : artifact;
    }

    /// <summary>The SHA-256 of a full read must be the manifest's.</summary>
    public static void RequireChecksum(ArtifactRecord? artifact, string actual)
    {
        if (artifact is not null && !string.Equals(actual, artifact.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new IntegrityException($"{artifact.File} does not match its SHA-256 in the manifest (expected {artifact.Sha256}, found {actual}): the file or the manifest was changed.");
        }
    }

    /// <summary>The manifest and the very bytes it was parsed from (its signature is checked on them); none for a backup without one.</summary>
    private static (BackupManifest? Manifest, byte[]? Bytes) ReadManifest(string directory)
    {
        byte[] bytes;
        try
        {
            bytes = BackupManifest.ReadBytes(directory);
        }
        catch (FileNotFoundException)
        {
            return (null, null);
        }

        BackupManifest manifest;
        try
        {
            manifest = BackupManifest.Parse(bytes, Path.GetFileName(directory.TrimEnd('/')));
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"manifest.json in {Path.GetFileName(directory)} does not parse: {ex.Message}", ex);
        }

        if (manifest.FormatVersion > BackupManifest.CurrentFormatVersion)
        {
            throw new IntegrityException($"manifest.json has format version {manifest.FormatVersion}, newer than this summit-dr reads ({BackupManifest.CurrentFormatVersion}). Upgrade summit-dr.");
        }

        return (manifest, bytes);
    }

    private static ArtifactRecord? Captured(BackupManifest manifest, BackupComponent component)
    {
        var (status, artifact) = manifest.Of(component);
        if (status != ComponentStatus.Captured)
        {
            return null;
        }

        return artifact is not null && artifact.File == BackupLayout.FileOf(component)
            ? artifact
            : throw new IntegrityException($"manifest.json records {component} as captured but names no {BackupLayout.FileOf(component)}.");
    }

    private async Task VerifyChecksumAsync(OpenedBackup backup, BackupManifest manifest, BackupComponent component, CancellationToken cancellationToken)
    {
        var artifact = Captured(manifest, component)!;
        var path = Path.Combine(backup.Directory, artifact.File);
        if (!File.Exists(path))
        {
            throw new IntegrityException($"{artifact.File} is missing from {backup.Name}, though its manifest records it.");
        }

        var size = new FileInfo(path).Length;
        if (size != artifact.Size)
        {
            throw new IntegrityException($"{artifact.File} is {size} bytes, but the manifest records {artifact.Size}: the file was truncated or changed.");
        }

        await _steps.RunAsync($"checksum {artifact.File}", async (step, token) =>
        {
            await using var stream = ArtifactFiles.OpenHashing(path);
            step.Track(() => stream.BytesRead);
            RequireChecksum(artifact, await stream.FinishAsync(token));
            step.Report(size, "SHA-256 matches");
        }, cancellationToken, options: new StepOptions { TracksBytes = true, ExpectedBytes = size });
    }
}
