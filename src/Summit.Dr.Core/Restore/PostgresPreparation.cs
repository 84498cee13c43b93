using Summit.Dr.Backup;
using Summit.Dr.Encryption;
using Summit.Dr.Errors;
using Summit.Dr.Postgres;
using Summit.Dr.Steps;

namespace Summit.Dr.Restore;

/// <summary>
/// The PostgreSQL side of a restore's first phase: the dump proved against its manifest, then restored into a
/// database of its own beside the live one.
/// </summary>
public sealed class PostgresPreparation(PostgresService postgres, BackupVerifier verifier, ArtifactEncryption encryption, StepRunner steps)
{
    public PostgresService Service => postgres;

    /// <summary>
    /// A dump whose SHA-256 matches its manifest is the very dump `pg_restore --list` read back when the backup
    /// was made: the checksum, computed here, proves it. A dump without a manifest is read by pg_restore, its
    /// table of contents and every data block (the restore into a database of its own then reads it again).
    /// </summary>
    public Task VerifyAsync(OpenedBackup opened, string container, CancellationToken cancellationToken)
    {
        var path = Path.Combine(opened.Directory, BackupLayout.PostgresFile);
        var vouched = opened.Manifest is not null;
        return steps.RunAsync($"check {BackupLayout.PostgresFile}", async (step, token) =>
        {
            var artifact = BackupVerifier.RequirePresent(opened, BackupComponent.Postgres);
            if (artifact is not null)
            {
                await using var dump = encryption.OpenHashing(opened, BackupComponent.Postgres);
                step.Track(() => dump.BytesRead);
                BackupVerifier.RequireChecksum(artifact, await dump.FinishAsync(token));
                step.Report(detail: $"SHA-256 matches the dump pg_restore read back when it was made ({opened.Manifest!.Postgres.ArchiveEntries} entries)");
                return;
            }

            var entries = await verifier.ReadPostgresDumpAsync(opened, container, fullRead: true, token);
            step.Report(detail: $"pg_restore read all {entries} entries");
        }, cancellationToken, () => vouched
            ? StepPlan.Note($"in process: size and SHA-256 of {path} against the manifest")
            : StepPlan.Of(postgres.ListArchiveCommand(container, path), postgres.ReadArchiveCommand(container, path)).With("no manifest: no checksums, pg_restore reads every block"),
            new StepOptions { TracksBytes = true, ExpectedBytes = File.Exists(path) ? new FileInfo(path).Length : null });
    }

    /// <summary>The restore into the database of its own, then the manifest's table count checked there, before anything is swapped.</summary>
    public Task RestoreIncomingAsync(string container, Undo.KeptPostgres kept, OpenedBackup opened, CancellationToken cancellationToken)
    {
        var expected = opened.Manifest?.Postgres.TableCount;
        return steps.RunAsync("postgres into " + kept.Incoming, async (_, token) =>
        {
            await postgres.RestoreIntoAsync(container, kept.Incoming, () => encryption.Open(opened, BackupComponent.Postgres), token);
            if (expected is { } tables)
            {
                var facts = await postgres.CollectFactsAsync(container, token, kept.Incoming);
                if (facts.TableCount != tables)
                {
                    throw new OperationFailedException($"PostgreSQL has {facts.TableCount} tables after the restore, the backup recorded {tables}.");
                }
            }
        }, cancellationToken, () =>
        {
            var plan = postgres.RestoreIntoPlan(container, kept.Incoming, Path.Combine(opened.Directory, BackupLayout.PostgresFile));
            return expected is null ? plan : plan.Then(new PlannedCommand(postgres.FactsSpec(container, kept.Incoming)) { Note = $"its table count must be the manifest's {expected}" });
        });
    }
}
