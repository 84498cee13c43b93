using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;


namespace Summit.Dr.Operations.Backup;

/// <summary>
/// The PostgreSQL dump of a backup, with every table's exact row count counted in the dump's own snapshot
/// (what a drill proves against), and `pg_restore --list` reading the dump as it is written.
/// </summary>
public sealed class PostgresCapture(PostgresService postgres, ArtifactWriter writer, StepRunner steps)
{
    public async Task<PostgresComponent> RunAsync(BackupSources sources, string work, CancellationToken cancellationToken)
    {
        var (container, facts) = (sources.Postgres!, sources.PostgresFacts!);
        var path = Path.Combine(work, BackupLayout.PostgresFile);
        IReadOnlyDictionary<string, long>? rows = null;
        var (artifact, entries) = await ArtifactWriter.VerifyAsync(() => WhileWritten.RunAsync(
            tee => steps.RunAsync(
                "postgres dump",
                (step, token) => writer.WriteAsync(work, BackupLayout.PostgresFile, step, async s => rows = await postgres.DumpCountingRowsAsync(container.Name, tee(s), token), token),
                cancellationToken,
                () => postgres.DumpCountingRowsPlan(container.Name, path),
                new StepOptions { TracksBytes = true, ExpectedBytes = sources.Expected(BackupComponent.Postgres) }),
            (dump, token) => steps.RunAsync(
                "postgres verify",
                async (step, t) =>
                {
                    var read = await postgres.ListArchiveAsync(container.Name, dump, BackupLayout.PostgresFile, t);
                    step.Report(detail: $"pg_restore --list: {read} entries, read while it was written");
                    return read;
                },
                token,
                () => StepPlan.Of(postgres.ListArchiveCommand(container.Name, $"{BackupLayout.PostgresFile} as postgres dump writes it"))),
            cancellationToken));

        return new PostgresComponent(
            ComponentStatus.Captured,
            postgres.Database,
            artifact,
            new SourceRecord(container.Name, container.Image, facts.ServerVersion),
            facts.TableCount,
            facts.RowEstimates,
            entries,
            rows);
    }
}
