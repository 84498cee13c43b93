using System.IO.Compression;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
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
    PostgresService postgres, WalServer server, WalSync sync, ArtifactWriter writer, StepRunner steps,
        Microsoft.Extensions.Options.IOptions<SummitDrOptions> options)
{
    /// <summary>Point-in-time recovery is on (Pitr:Enabled): every backup of PostgreSQL takes a base backup too.</summary>
    public bool Enabled => options.Value.Pitr.Enabled;

    public ProcessSpec Spec(string container) =>
        postgres.Exec(container, ["pg_basebackup", "-U", postgres.User, "-D", "-", "-F", "t", "-X", "fetch", "-c", "fast", "-w"]);

    public async Task<PostgresBase> RunAsync(ContainerInfo container, string work, CancellationToken cancellationToken)
    {
        var state = await steps.AskAsync("postgres base position", (_, t) => server.StateAsync(container.Name, t), cancellationToken);
        var tarBytes = new ByteCounter();
        var path = Path.Combine(work, BackupLayout.PostgresBaseFile);
        var (artifact, facts) = await ArtifactWriter.VerifyAsync(() => WhileWritten.RunAsync(
            tee => steps.RunAsync<ArtifactRecord>("postgres base backup", set => Script.Of(
                new RunCommand(Spec(container.Name), Judges.Require($"pg_basebackup in container '{container.Name}' failed"))
                {
                    Note = $"> {path}, compressed as it is written",
                    Through = async (spec, run, context) =>
                        set(await writer.WriteAsync(work, BackupLayout.PostgresBaseFile, context.Step, async plaintext =>
                    {
                        await using var gzip = new GZipStream(plaintext, CompressionLevel.Fastest, leaveOpen: true);
                        await run(spec with { StandardOutput = new CountingWriteStream(tee(gzip), tarBytes) });
                    }, () => tarBytes.Value, context.CancellationToken)),
                }), planned: null!, new StepOptions { TracksBytes = true }, cancellationToken),
            (tar, token) => steps.RunAsync<BaseBackupFacts>("postgres base verify", set => Script.InProcess(
                "in process: the tar walked as pg_basebackup writes it; backup_label says where replay starts, backup_manifest where the " +
                    "copy is consistent",
                async (step, t) =>
                {
                    var read = await BaseBackupTar.ReadAsync(tar, t);
                    step.Report(detail: $"tar read to its end while it was written: WAL {read.StartLsn} to {read.EndLsn}, timeline " +
                        $"{read.Timeline}");
                    set(read);
                }), planned: null!, token),
            cancellationToken));
        // The WAL the base backup will replay is ledgered with the backup that needs it.
        await sync.LedgerAsync(cancellationToken);
        return new PostgresBase(
            artifact, state.SystemIdentifier, facts.Timeline, facts.StartLsn, facts.EndLsn, state.SegmentSize, tarBytes.Value);
    }
}
