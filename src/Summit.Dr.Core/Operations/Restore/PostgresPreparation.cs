using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;


namespace Summit.Dr.Operations.Restore;

/// <summary>
/// The PostgreSQL side of a restore's first phase: the dump copied into PostgreSQL's own volume from one read of
/// the backup and proved on the way against its manifest, then restored from that copy into a database of its
/// own beside the live one.
/// </summary>
public sealed class PostgresPreparation(PostgresService postgres, PostgresIncoming incoming, StepRunner steps)
{
    public PostgresService Service => postgres;

    /// <summary>
    /// The dump, read once into a copy in <paramref name="container"/>'s data volume: a copy whose SHA-256 matches the
    /// manifest is the very dump `pg_restore --list` read back when the backup was made. A dump without a manifest is
    /// read by pg_restore from the copy, its table of contents and every data block.
    /// </summary>
    public Task<IncomingDump> CopyAsync(OpenedBackup opened, ContainerInfo container, CancellationToken cancellationToken)
    {
        var path = Path.Combine(opened.Directory, BackupLayout.PostgresFile);
        var vouched = opened.Manifest is not null;
        return steps.RunAsync($"check {BackupLayout.PostgresFile}", async (step, token) =>
        {
            var dump = await incoming.CopyAsync(container, opened, step, token);
            if (vouched)
            {
                step.Report(detail: $"copied into '{container.Name}', SHA-256 matches the dump pg_restore read back when it was made ({opened.Manifest!.Postgres.ArchiveEntries} entries)");
                return dump;
            }

            try
            {
                var entries = await postgres.ReadCopyAsync(dump, token);
                step.Report(detail: $"copied into '{container.Name}'; pg_restore read all {entries} entries");
                return dump;
            }
            catch
            {
                await incoming.RemoveAsync(dump);
                throw;
            }
        }, cancellationToken, () => vouched
            ? incoming.CopyPlan(container, path)
            : incoming.CopyPlan(container, path).Then(postgres.ReadCopyPlan(PostgresIncoming.Planned(container)).With("no manifest: no checksums, pg_restore reads every block")),
            new StepOptions { TracksBytes = true, ExpectedBytes = File.Exists(path) ? new FileInfo(path).Length : null }, dry: () => PostgresIncoming.Planned(container));
    }

    /// <summary>
    /// The restore into the database of its own from the verified copy, then the manifest's table count checked there,
    /// before anything is swapped; the copy is removed whatever happens.
    /// </summary>
    public Task RestoreIncomingAsync(IncomingDump dump, KeptPostgres kept, OpenedBackup opened, CancellationToken cancellationToken)
    {
        var expected = opened.Manifest?.Postgres.TableCount;
        return steps.RunAsync("postgres into " + kept.Incoming, async (_, token) =>
        {
            try
            {
                await postgres.RestoreIntoAsync(dump, kept.Incoming, token);
            }
            finally
            {
                await incoming.RemoveAsync(dump);
            }

            if (expected is { } tables)
            {
                var facts = await postgres.CollectFactsAsync(dump.Container, token, kept.Incoming);
                if (facts.TableCount != tables)
                {
                    throw new OperationFailedException($"PostgreSQL has {facts.TableCount} tables after the restore, the backup recorded {tables}.");
                }
            }
        }, cancellationToken, () =>
        {
            var plan = postgres.RestoreIntoPlan(dump, kept.Incoming).Then(incoming.RemoveSpec(dump));
            return expected is null ? plan : plan.Then(new PlannedCommand(postgres.FactsSpec(dump.Container, kept.Incoming)) { Note = $"its table count must be the manifest's {expected}" });
        });
    }
}
