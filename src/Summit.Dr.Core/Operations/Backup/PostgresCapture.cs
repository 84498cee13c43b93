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
            tee => steps.RunAsync<ArtifactRecord>(
                "postgres dump",
                set => postgres.DumpCountingRows(
                    container.Name, path, writer.Writing(work, BackupLayout.PostgresFile, tee, set), counted => rows = counted),
                planned: null!,
                new StepOptions { TracksBytes = true, ExpectedBytes = sources.Expected(BackupComponent.Postgres) },
                cancellationToken),
            (dump, token) => steps.RunAsync(
                "postgres verify",
                set => postgres.ListArchive(container.Name, dump, BackupLayout.PostgresFile, $"{BackupLayout.PostgresFile} as postgres " +
                    $"dump writes it", (step, read) =>
                {
                    step.Report(detail: $"pg_restore --list: {read} entries, read while it was written");
                    set(read);
                }),
                planned: 0,
                token),
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
