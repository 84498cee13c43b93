using System.IO.Compression;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Progress;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Backup;

/// <summary>
/// With point-in-time recovery on, the physical base backup beside the logical dump: `pg_basebackup` in the
/// PostgreSQL container (its local socket; a fast checkpoint, so it starts at once), a tar on stdout with the
/// WAL it needs to be consistent (`-X fetch`), compressed and (when configured) encrypted by summit-dr as it
/// is written, and walked as it is written for where it starts and ends.
/// </summary>
public sealed class BaseBackupCapture(
    PostgresService postgres, WalServer server, WalSync sync, ArtifactWriter writer, DockerCli docker, StepRunner steps, Microsoft.Extensions.Options.IOptions<SummitDrOptions> options)
{
    /// <summary>Point-in-time recovery is on (Pitr:Enabled): every backup of PostgreSQL takes a base backup too.</summary>
    public bool Enabled => options.Value.Pitr.Enabled;

    public ProcessSpec Spec(string container) =>
        postgres.Exec(container, ["pg_basebackup", "-U", postgres.User, "-D", "-", "-F", "t", "-X", "fetch", "-c", "fast", "-w"]);

    public async Task<PostgresBase> RunAsync(ContainerInfo container, string work, CancellationToken cancellationToken)
    {
        var state = await steps.RunAsync("postgres base position", (_, t) => server.StateAsync(container.Name, t), cancellationToken,
            () => StepPlan.Of(server.StateSpec(container.Name)), StepOptions.ReadOnlyStep);
        var tarBytes = new ByteCounter();
        var path = Path.Combine(work, BackupLayout.PostgresBaseFile);
        var (artifact, facts) = await ArtifactWriter.VerifyAsync(() => WhileWritten.RunAsync(
            tee => steps.RunAsync("postgres base backup", (step, token) => writer.WriteAsync(work, BackupLayout.PostgresBaseFile, step, async plaintext =>
            {
                await using var gzip = new GZipStream(plaintext, CompressionLevel.Fastest, leaveOpen: true);
                var result = await docker.RunAsync(Spec(container.Name) with { StandardOutput = new CountingWriteStream(tee(gzip), tarBytes) }, token);
                if (!result.Succeeded)
                {
                    throw new OperationFailedException($"pg_basebackup in container '{container.Name}' failed: {result.ErrorSummary}");
                }
            }, token, () => tarBytes.Value), cancellationToken,
                () => StepPlan.Of(new PlannedCommand(Spec(container.Name)) { Note = $"> {path}, compressed as it is written" }),
                new StepOptions { TracksBytes = true }),
            (tar, token) => steps.RunAsync("postgres base verify", async (step, t) =>
            {
                var read = await BaseBackupTar.ReadAsync(tar, t);
                step.Report(detail: $"tar read to its end while it was written: WAL {read.StartLsn} to {read.EndLsn}, timeline {read.Timeline}");
                return read;
            }, token, () => StepPlan.Note("in process: the tar walked as pg_basebackup writes it; backup_label says where replay starts, backup_manifest where the copy is consistent")),
            cancellationToken));
        // The WAL the base backup will replay is ledgered with the backup that needs it.
        await sync.LedgerAsync(cancellationToken);
        return new PostgresBase(artifact, state.SystemIdentifier, facts.Timeline, facts.StartLsn, facts.EndLsn, state.SegmentSize, tarBytes.Value);
    }
}
