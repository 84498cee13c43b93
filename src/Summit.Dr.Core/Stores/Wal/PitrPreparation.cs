using System.Formats.Tar;
using System.Globalization;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Summit.Dr.Archive;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Errors;
using Summit.Dr.Progress;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// The first phase of a restore to a point in time, while PostgreSQL still serves and nothing live is touched:
/// the base backup proved against its manifest (verify before execute), and beside it the WAL the recovery
/// will replay staged in the data directory and read with pg_waldump, which tells where recovery must end.
/// </summary>
public sealed class PitrPreparation(
    DockerCli docker, ArtifactCopy copy, StepRunner steps, ScriptRunner scripts, ILogger<PitrPreparation> logger)
{
    public async Task<PitrPrepared> PrepareAsync(RecoveryPlan plan, ContainerInfo postgres, CancellationToken cancellationToken)
    {
        PostgresWorkbench? bench = null;
        WalReading reading = new(null, null, null);
        try
        {
            bench = await steps.RunAsync(
                "postgres workbench", set =>
                    PostgresWorkbench.Start(docker, postgres, set), PostgresWorkbench.Planned(docker, postgres), cancellationToken);
            await StageAsync(bench, plan, cancellationToken);
            reading = await ReadWalAsync(bench, plan, cancellationToken);
        }
        catch
        {
            if (bench is not null)
            {
                await new PitrPrepared(plan, bench, reading).ReleaseAsync(laidOver: false, scripts, logger);
            }

            throw;
        }

        return new PitrPrepared(plan, bench!, reading);
    }

    /// <summary>What pg_waldump reads in the staged WAL: where recovery must stop.</summary>
    public Task<WalReading> ReadWalAsync(PostgresWorkbench bench, RecoveryPlan plan, CancellationToken cancellationToken) =>
        steps.RunAsync("read wal", set =>
        {
            WalReading? read = null;
            return WalDump.Read(bench, plan, reading =>
            {
                Check(plan, reading);
                read = reading;
                set(reading);
            }).Then(Script.Do(step => step.Report(detail: Describe(read!))));
        }, new WalReading(null, null, null), cancellationToken);

    /// <summary>
    /// The base backup, read once into PGDATA/summit-dr-wal beside the staged WAL (no writer of the backup root reaches
    /// it there), its size and SHA-256 (and, encrypted, its integrity check) proved on the way: it is laid into the
    /// data directory only from that copy, only once it matched.
    /// </summary>
    private Task CopyBaseAsync(PostgresWorkbench bench, RecoveryPlan plan, CancellationToken cancellationToken)
    {
        var artifact = plan.Base.Base.Artifact;
        var path = Path.Combine(plan.Base.Directory, artifact.File);
        return steps.RunAsync($"check {artifact.File}", () => Script.Of(
                new RunCommand(BaseLayer.CopySpec(bench), Judges.Require($"Could not copy {artifact.File} into {bench.StagingDirectory}"))
                {
                    Note = $"< {path}, read once; its size and SHA-256 must be the manifest's before it is laid",
                    Through = copy.Feeding(plan.Base.Directory, plan.Base.Manifest, artifact.File, artifact),
                })
            .Then(Script.Do(step => step.Report(artifact.Size, $"copied beside the staged WAL, SHA-256 matches; base backup of " +
                $"{plan.Base.Name}, consistent at {plan.Base.ConsistentAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}")))
            .Failing(ex => DiskFull.Is(ex) || (ex is OperationFailedException && DiskFull.IsIn(ex.Message))
                ? new DiskFullException($"PostgreSQL's volume filled up while the base backup was copied beside the staged WAL: nothing " +
                    $"live was touched. Free space there. ({ex.Message})", ex)
                : ex),
            new StepOptions { TracksBytes = true, ExpectedBytes = artifact.Size }, cancellationToken);
    }

    /// <summary>
    /// The WAL from the base backup's start on, into PGDATA/summit-dr-wal, after checking the volume has the room for
    /// it, the copy of the base backup and the base backup laid; then the base backup copied beside it.
    /// </summary>
    public async Task StageAsync(PostgresWorkbench bench, RecoveryPlan plan, CancellationToken cancellationToken)
    {
        await StageWalAsync(bench, plan, cancellationToken);
        await CopyBaseAsync(bench, plan, cancellationToken);
    }

    private Task StageWalAsync(PostgresWorkbench bench, RecoveryPlan plan, CancellationToken cancellationToken)
    {
        var needed = plan.WalBytes + plan.Base.Base.Artifact.Size + plan.Base.Base.TarBytes + (plan.Base.Base.TarBytes / 20);
        return steps.RunAsync("stage wal", () => Script.Of(
                new RunCommand(bench.Exec(["df", "-P", "-k", bench.DataDirectory]), (result, _) =>
                {
                    Judges.Check(result, "Could not measure the free space of " + bench.DataDirectory);
                    var fields = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Split(
                        ' ', StringSplitOptions.RemoveEmptyEntries);
                    var free = long.Parse(fields[3], CultureInfo.InvariantCulture) * 1024;
                    return free >= needed
                        ? Task.CompletedTask
                        : throw new PreconditionException(
                            $"Not enough free space in PostgreSQL's volume: {LoggingProgressReporter.FormatBytes(free)} free, and the " +
                                $"WAL to replay and the base backup need " +
                            $"{LoggingProgressReporter.FormatBytes(needed)} there beside the live data. Nothing was touched. Free space " +
                                $"in the volume, or restore to a time with less WAL to replay.");
                }),
                new RunCommand(
                    bench.Exec(["mkdir", "-p", bench.StagingDirectory]), Judges.Require("Could not create " + bench.StagingDirectory)),
                new RunCommand(
                    bench.Exec(["tar", "-x", "-f", "-", "-C", bench.StagingDirectory], interactive: true), (extract, _) => extract.Succeeded
                    ? Task.CompletedTask
                    : throw (DiskFull.IsIn(extract.StandardError)
                        ? new DiskFullException($"PostgreSQL's volume filled up while the WAL was staged: nothing live was touched and " +
                            $"the staged WAL is removed. Free space there. ({extract.ErrorSummary})")
                        : new OperationFailedException($"Could not stage the WAL in {bench.StagingDirectory}: {extract.ErrorSummary}")))
                {
                    Note = $"< {plan.Segments.Count} segments {plan.FirstSegment}..{plan.LastSegment} and {plan.Histories.Count} history " +
                        $"files from {plan.Branch.Name}",
                    Through = (spec, run, context) => StageThroughAsync(spec, run, plan, context),
                })
            .Then(Script.Do(step => step.Report(plan.WalBytes, $"{plan.Segments.Count} segments, {plan.FirstSegment} to " +
                $"{plan.LastSegment}, timeline {plan.Path.Target}"))),
            new StepOptions { TracksBytes = true, ExpectedBytes = plan.WalBytes }, cancellationToken);
    }

    /// <summary>The WAL written as a tar stream into the extraction, as it reads it.</summary>
    private static async Task StageThroughAsync(
        ProcessSpec spec, Func<ProcessSpec, Task<ProcessResult>> run, RecoveryPlan plan, ScriptContext context)
    {
        var counted = new ByteCounter();
        context.Step.Track(() => counted.Value);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 512 << 10));
        var writing = Task.Run(() => WriteTarAsync(pipe.Writer, plan, counted, context.CancellationToken), context.CancellationToken);
        try
        {
            await run(spec with { StandardInput = pipe.Reader.AsStream() });
        }
        catch
        {
            await pipe.Reader.CompleteAsync();
            await ((Task)writing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        await pipe.Reader.CompleteAsync();
        await writing;
    }

    private static async Task WriteTarAsync(PipeWriter output, RecoveryPlan plan, ByteCounter counted, CancellationToken cancellationToken)
    {
        try
        {
            await using (
                var tar = new TarWriter(
                    new CountingWriteStream(output.AsStream(leaveOpen: true), counted), TarEntryFormat.Ustar, leaveOpen: false))
            {
                foreach (var (file, laid) in plan.Segments)
                {
                    await Entry(tar, file.Path, laid, plan.Ledgers, cancellationToken);
                }

                foreach (var history in plan.Histories)
                {
                    await Entry(tar, history, Path.GetFileName(history), plan.Ledgers, cancellationToken);
                }
            }

            await output.CompleteAsync();
        }
        catch (Exception ex)
        {
            await output.CompleteAsync(ex);
            throw;
        }
    }

    /// <summary>
    /// One file as it is now (the segment still being written is copied as far as it is written, under its segment's
    /// name; with signed ledgers only as far as its ledger vouched for), its bytes checked against the ledger on the way.
    /// </summary>
    private static async Task Entry(TarWriter tar, string path, string name, WalLedgerSet ledgers, CancellationToken cancellationToken)
    {
        await using var source = new LedgeredRead(path, ledgers.Expected(path), ledgers.SignedOnly);
        var entry = new UstarTarEntry(
            TarEntryType.RegularFile, name) { DataStream = source, Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            ModificationTime = File.GetLastWriteTimeUtc(path) };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }

    /// <summary>WAL that cannot be read up to its last segment, with no transaction after the target, is damaged.</summary>
    private static void Check(RecoveryPlan plan, WalReading reading)
    {
        var last = WalFileName.Parse(plan.LastSegment, plan.Branch.SegmentSize)!.Value.Segment;
        if (reading.FirstAfter is null && reading.EndLsn is { } end && WalFileName.SegmentOf(end, plan.Branch.SegmentSize) < last)
        {
            throw new IntegrityException(
                $"The archived WAL cannot be read past {WalFileName.FormatLsn(end)}, before its last segment {plan.LastSegment} and " +
                    $"before {plan.Target.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}: a segment is damaged. Nothing was touched; restore to " +
                        $"an earlier time.");
        }
    }

    private static string Describe(WalReading reading) => (reading.LastBefore, reading.FirstAfter) switch
    {
        (_, { } after) => $"recovery stops before the transaction that ended at {after.ToLocalTime():HH:mm:ss.ffffff}",
        ({ } before, null) => $"no transaction ended after the target: recovery replays to the end, the last at " +
            $"{before.ToLocalTime():HH:mm:ss.ffffff}",
        _ => "no transaction ended between the base backup and the target",
    };
}
