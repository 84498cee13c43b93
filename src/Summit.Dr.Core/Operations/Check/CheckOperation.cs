using Summit.Dr.Archive;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores;
using Summit.Dr.Stores.Wal;


namespace Summit.Dr.Operations.Check;

/// <summary>
/// Everything restore verifies before it destroys, with no side effects, plus a full read of every artifact
/// (`pg_restore` over every data block, the whole tar stream, the Neo4j dump). Collects every finding
/// instead of stopping at the first.
/// </summary>
public sealed class CheckOperation(
    PlatformContainers containers, BackupCatalog catalog, BackupOpener opener, ArtifactReads reads, ArtifactEncryption encryption,
    StepRunner steps)
{
    public async Task<CheckResult> RunAsync(string backup, CancellationToken cancellationToken)
    {
        steps.Begin(dryRun: false);
        var (directory, notes) = catalog.ResolveNoting(backup);
        OpenedBackup opened;
        try
        {
            opened = await opener.OpenAsync(directory, notes, cancellationToken);
        }
        catch (SummitDrException ex) when (ex.ExitCode == ExitCodes.Integrity)
        {
            return new CheckResult(directory, [new CheckFinding(Path.GetFileName(directory), false, ex.Message)]);
        }

        var findings = opened.Warnings.Select(w => new CheckFinding(BackupManifest.FileName, true, "warning: " + w)).ToList();
        // The dumps are read with the platform's own tools: pg_restore in its container, neo4j-admin from its image.
        var postgres = opened.Present.Contains(BackupComponent.Postgres)
            ? await containers.PostgresAsync("check again", cancellationToken) : null;
        // Only Neo4j's image is needed (a one-off container reads the dump); the server may be stopped.
        var neo4j = opened.Present.Contains(BackupComponent.Neo4j) ? await containers.Neo4jAsync(cancellationToken) : null;

        foreach (var component in opened.Present)
        {
            var file = BackupLayout.FileOf(component);
            try
            {
                findings.Add(
                    new CheckFinding(
                        file, true, await reads.CheckArtifactAsync(opened, component, postgres, neo4j, fullRead: true, cancellationToken)));
            }
            catch (IntegrityException ex)
            {
                findings.Add(new CheckFinding(file, false, ex.Message));
            }
        }

        if (opened.Manifest?.Postgres.Base?.Artifact is { } physical)
        {
            findings.Add(await CheckBaseAsync(opened, physical, cancellationToken));
        }

        return new CheckResult(directory, findings) { Trust = opened.Trust };
    }

    /// <summary>The base backup: its SHA-256 (and integrity check), and its tar read to the end through gzip, as it was walked when
    /// written.</summary>
    private async Task<CheckFinding> CheckBaseAsync(OpenedBackup opened, ArtifactRecord physical, CancellationToken cancellationToken)
    {
        try
        {
            _ = ArtifactChecks.RequireBasePresent(opened).Single();
            return await steps.AskAsync($"check {physical.File}", async (step, token) =>
            {
                await using var file = encryption.OpenHashing(opened.Directory, opened.Manifest, physical.File);
                step.Track(() => file.BytesRead);
                await using var gzip = new System.IO.Compression.GZipStream(
                    file, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true);
                var facts = await BaseBackupTar.ReadAsync(gzip, token);
                ArtifactChecks.RequireChecksum(physical, await file.FinishAsync(token));
                return new CheckFinding(physical.File, true, $"SHA-256 matches; the tar reads to its end (WAL {facts.StartLsn} to " +
                    $"{facts.EndLsn}, timeline {facts.Timeline})");
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is IntegrityException or InvalidDataException or FormatException)
        {
            return new CheckFinding(physical.File, false, ex.Message);
        }
    }
}
