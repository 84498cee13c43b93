using Summit.Dr.Archive;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Uploads;


namespace Summit.Dr.Operations.Check;

/// <summary>
/// `check`'s full read of an artifact, with no side effect: size and SHA-256 against the manifest, then read by the
/// platform's own tool (`pg_restore` over every data block, the tar stream to its end, the Neo4j dump through
/// neo4j-admin). Any failure is an <see cref="IntegrityException"/> (exit 4) naming the artifact and the problem.
/// </summary>
public sealed class ArtifactReads(
    PostgresService postgres, Neo4jDumps dumps, StepRunner steps, ScriptRunner scripts, ArtifactEncryption encryption)
{
    /// <summary>
    /// One artifact: size and SHA-256 against the manifest, then read by the tool that will restore it.
    /// <paramref name="fullRead"/> also reads every data block of the PostgreSQL dump. Returns what was found.
    /// </summary>
    public async Task<string> CheckArtifactAsync(
        OpenedBackup backup, BackupComponent component, ContainerInfo? postgres, Neo4jTarget? neo4j, bool fullRead,
            CancellationToken cancellationToken)
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

        return await steps.AskAsync($"check {file}", async (step, token) =>
        {
            var detail = await ReadAsync(backup, component, postgres, neo4j, fullRead, token);
            step.Report(detail: detail);
            return detail;
        }, cancellationToken);
    }

    /// <summary>The artifact read by the tool that restores it: what the read found.</summary>
    private async Task<string> ReadAsync(
        OpenedBackup backup, BackupComponent component, ContainerInfo? postgres, Neo4jTarget? neo4j, bool fullRead,
        CancellationToken cancellationToken)
    {
        switch (component)
        {
            case BackupComponent.Postgres:
                var entries = await ReadPostgresDumpAsync(backup, postgres!.Name, fullRead, cancellationToken);
                return fullRead ? $"pg_restore read all {entries} entries" : $"pg_restore --list: {entries} entries";
            case BackupComponent.Uploads:
                await using (var archive = encryption.Open(backup, component))
                {
                    var stats = await UploadsArchive.ReadAsync(archive, cancellationToken);
                    return $"{stats.Files} files, every entry safe, read to the end";
                }

            default:
                await using (var dump = encryption.Open(backup, component))
                {
                    var info = await dumps.ReadDumpInfoAsync(neo4j!, dump, BackupLayout.FileOf(component), cancellationToken);
                    // Read to the end: an encrypted dump's integrity check comes last.
                    await dump.CopyToAsync(Stream.Null, cancellationToken);
                    return info is null ? "read to its end (4.4 has no load --info)" : "neo4j-admin load --info read its header; read to " +
                        "its end";
                }
        }
    }

    /// <summary>
    /// pg_restore reads the dump (decrypted when the backup is encrypted): its table of contents, and with
    /// <paramref name="fullRead"/> every data block to the end. Returns the number of entries.
    /// </summary>
    public async Task<int> ReadPostgresDumpAsync(OpenedBackup backup, string container, bool fullRead, CancellationToken cancellationToken)
    {
        var entries = 0;
        await using (var dump = encryption.Open(backup, BackupComponent.Postgres))
        {
            await scripts.RunAsync(
                postgres.ListArchive(
                    container, dump, BackupLayout.PostgresFile, BackupLayout.PostgresFile, (_, listed) => entries = listed),
                        cancellationToken);
        }

        if (fullRead)
        {
            await using var dump = encryption.Open(backup, BackupComponent.Postgres);
            await scripts.RunAsync(postgres.ReadArchiveFully(container, dump, BackupLayout.PostgresFile), cancellationToken);
            await dump.CopyToAsync(Stream.Null, cancellationToken);
        }

        return entries;
    }

    private async Task VerifyChecksumAsync(
        OpenedBackup backup, BackupManifest manifest, BackupComponent component, CancellationToken cancellationToken)
    {
        var artifact = ArtifactChecks.Captured(manifest, component)!;
        var path = Path.Combine(backup.Directory, artifact.File);
        if (!File.Exists(path))
        {
            throw new IntegrityException($"{artifact.File} is missing from {backup.Name}, though its manifest records it.");
        }

        var size = new FileInfo(path).Length;
        if (size != artifact.Size)
        {
            throw new IntegrityException($"{artifact.File} is {size} bytes, but the manifest records {artifact.Size}: the file was " +
                $"truncated or changed.");
        }

        await steps.AskAsync($"checksum {artifact.File}", async (step, token) =>
        {
            await using var stream = ArtifactFiles.OpenHashing(path);
            step.Track(() => stream.BytesRead);
            ArtifactChecks.RequireChecksum(artifact, await stream.FinishAsync(token));
            step.Report(size, "SHA-256 matches");
        }, new StepOptions { TracksBytes = true, ExpectedBytes = size }, cancellationToken);
    }
}
