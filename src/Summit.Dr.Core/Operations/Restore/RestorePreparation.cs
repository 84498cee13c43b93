using Microsoft.Extensions.Logging;
using Summit.Dr.Archive;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Progress;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Uploads;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// The restore's first phase, touching nothing live: every artifact is verified (invariant 3) while each store
/// is prepared beside the live one (the PostgreSQL dump restored into a database of its own, the uploads
/// extracted beside the live tree, a container of Neo4j's image started). Side by side.
/// </summary>
public sealed class RestorePreparation(
    PostgresPreparation postgres, PitrPreparation pitr, Neo4jPreparation neo4j, UploadsSwap uploads, ArtifactEncryption encryption, StepRunner steps, ILogger<RestorePreparation> logger)
{
    public PreparedRestore Create(KeptState state) => new(state, postgres.Service, logger);

    /// <summary>The container neo4j-admin copies and loads in.</summary>
    public Task<Neo4jWorkbench> StartBenchAsync(Neo4jTarget target, CancellationToken cancellationToken) => neo4j.StartBenchAsync(target, cancellationToken);

    public async Task<VerifiedBackup> PrepareAsync(
        PreparedRestore prepared, OpenedBackup opened, IReadOnlySet<BackupComponent> components, RestoreTargets targets, string root, CancellationToken cancellationToken)
    {
        // An encrypted backup opens with the configured keys, or the restore stops here (exit 4, nothing touched).
        encryption.RequireKeys(opened);
        RequireRoomForUploads(opened, prepared.State);
        await steps.ConcurrentlyAsync(
            cancellationToken,
            async token =>
            {
                if (components.Contains(BackupComponent.Postgres) && prepared.Plan is { } plan)
                {
                    // To a point in time: the base backup checked, the WAL staged and read, nothing live touched.
                    prepared.Pitr = await pitr.PrepareAsync(plan, targets.Postgres!, token);
                }
                else if (components.Contains(BackupComponent.Postgres))
                {
                    // Verify before execute: no byte of the dump reaches pg_restore before the copy it reads in
                    // PostgreSQL's own volume proved its size and SHA-256 (and, encrypted, its integrity check). Then
                    // the restore into a database of its own begins; touching nothing live, it runs on past this phase.
                    var dump = await postgres.CopyAsync(opened, targets.Postgres!, token);
                    prepared.StartIncoming(t => postgres.RestoreIncomingAsync(dump, prepared.State.Postgres!, opened, t), cancellationToken);
                }
            },
            async token =>
            {
                if (components.Contains(BackupComponent.Uploads))
                {
                    prepared.Staged = await StageUploadsAsync(opened, prepared.State.Uploads!.Path, token);
                }
            },
            async token =>
            {
                if (components.Contains(BackupComponent.Neo4j))
                {
                    // A dump that is not there is refused (exit 4) before a workbench is started for it.
                    ArtifactChecks.RequirePresent(opened, BackupComponent.Neo4j);
                    prepared.Bench = await neo4j.StartBenchAsync(targets.Neo4j!, token);
                    await neo4j.CopyAsync(prepared, opened, root, token);
                    // Load-then-swap: verified, the copy is loaded beside the live store while Neo4j serves.
                    await neo4j.StageAsync(prepared, opened, root, token);
                }
            });
        var total = components.Select(c => new FileInfo(Path.Combine(opened.Directory, BackupLayout.FileOf(c)))).Where(f => f.Exists).Sum(f => f.Length);
        return new VerifiedBackup(opened.Directory, opened.Manifest, components, total, []);
    }

    /// <summary>
    /// The uploads are extracted beside the live tree, on its filesystem, before the live tree is renamed
    /// away: both must fit at once. Refused before anything is prepared (exit 3) when the manifest's bytes
    /// (plus a block per file) exceed the free space there.
    /// </summary>
    private static void RequireRoomForUploads(OpenedBackup opened, KeptState state)
    {
        if (state.Uploads is not { } kept || opened.Manifest?.Uploads is not { Bytes: { } bytes, Files: { } files })
        {
            return;
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(kept.Path).TrimEnd('/'))!;
        if (!Directory.Exists(parent))
        {
            return;
        }

        var needed = bytes + (files * UploadsTree.DiskBytesPerFile);
        var free = new DriveInfo(parent).AvailableFreeSpace;
        if (free < needed)
        {
            throw new PreconditionException(
                $"Not enough free disk to restore the uploads: {LoggingProgressReporter.FormatBytes(free)} free at {parent}, and the backup's uploads need " +
                $"{LoggingProgressReporter.FormatBytes(needed)} there beside the live tree until the swap. Nothing was touched. Free space there, or restore with --only postgres,neo4j.");
        }
    }

    /// <summary>Extraction beside the live tree is the check: every entry before it is written, the checksum of the whole on the way.</summary>
    private Task<StagedUploads> StageUploadsAsync(OpenedBackup opened, string live, CancellationToken cancellationToken)
    {
        var path = Path.Combine(opened.Directory, BackupLayout.UploadsFile);
        return steps.RunAsync($"check {BackupLayout.UploadsFile}", async (step, token) =>
        {
            var artifact = ArtifactChecks.RequirePresent(opened, BackupComponent.Uploads);
            await using var archive = encryption.OpenHashing(opened, BackupComponent.Uploads);
            if (artifact is not null && archive.Length != artifact.Size)
            {
                throw new IntegrityException($"{BackupLayout.UploadsFile} is {archive.Length} bytes, but the manifest records {artifact.Size}: the file was truncated or changed.");
            }

            var trailer = ArtifactEncryption.UploadsTrailer(opened, archive);
            step.Track(() => archive.BytesRead);
            StagedUploads staged;
            try
            {
                staged = await uploads.StageAsync(archive, live, token, trailer);
            }
            catch (IntegrityException) when (artifact is not null)
            {
                // A changed byte usually breaks the gzip stream before the end: the checksum names the cause better.
                ArtifactChecks.RequireChecksum(artifact, await archive.FinishAsync(token));
                throw;
            }
            catch (Exception ex) when (DiskFull.Is(ex))
            {
                throw new DiskFullException(
                    $"The disk is full: no space left on the device that holds {Path.GetDirectoryName(Path.GetFullPath(live).TrimEnd('/'))} while the uploads were extracted beside the live tree. " +
                    "Nothing live was touched and the partial extraction was removed. Free space there and restore again.", ex);
            }

            try
            {
                ArtifactChecks.RequireChecksum(artifact, await archive.FinishAsync(token));
            }
            catch
            {
                staged.Dispose();
                throw;
            }

            step.Report(archive.Length, $"{staged.Stats.Files} files, every entry safe, extracted beside the live tree");
            return staged;
        }, cancellationToken, () => StepPlan.Note($"in process: extract {path} beside {live}, every entry a regular file or directory under uploads/, checked before it is written; the same read computes its SHA-256"),
            new StepOptions { TracksBytes = true, ExpectedBytes = File.Exists(path) ? new FileInfo(path).Length : null });
    }
}
