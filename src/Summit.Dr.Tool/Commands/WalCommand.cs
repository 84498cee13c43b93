using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Wal;
using Summit.Dr.Reporting;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("wal", Description = "The continuous PostgreSQL WAL archive for point-in-time recovery: start | stop | status (Pitr:Enabled).",
    ExtendedHelpText = """

        start: an archiver container (pg_receivewal from the PostgreSQL container's own image, in its network
        namespace, labelled summit-dr.wal) streams WAL into backups/wal/ through a replication slot, so no
        segment is lost while it restarts; the slot's hold on the platform's disk is bounded
        (max_slot_wal_keep_size). Starting twice is a no-op; run it from a timer to start a stopped archiver again.
        stop: removes the archiver (--drop-slot also gives the slot up). status: last segment, lag, slot, size.
        Exit codes: 0 done; 1 failed; 2 usage or Pitr:Enabled not set; 3 PostgreSQL or replication not available.
        """)]
[Subcommand(typeof(WalStartCommand), typeof(WalStopCommand), typeof(WalStatusCommand))]
public sealed class WalCommand
{
    public RootCommand Parent { get; set; } = null!;

    public int OnExecute(CommandLineApplication app)
    {
        app.ShowHelp();
        return ExitCodes.Usage;
    }
}

[Command("start", Description = "Start the WAL archiver (idempotent): replication checked, slot made and bounded, pg_receivewal " +
    "streaming.")]
public sealed class WalStartCommand
{
    [Option("--dry-run", Description = "Print every step and docker command; run nothing that changes anything.")]
    public bool DryRun { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public WalCommand Parent { get; set; } = null!;

    public int OnExecute() =>
        OperationHost.Run<WalOperation>(
            Parent.Parent.ToGlobalOptions(), new CommandRun("wal", Json) { Discover = true, Recover = !DryRun, Report = !DryRun },
            async (wal, console, cancellationToken) =>
            {
                var (status, records) = await wal.StartAsync(DryRun, cancellationToken);
                return DryRun
                    ? new CommandResult(PlanReport.Write(console, "wal start", records, Json), RunFacts.None)
                    : new CommandResult(WalReport.Write(console, status, Json, "wal start"), new RunFacts { Wal = status });
            });
}

[Command("stop", Description = "Remove the WAL archiver; with --drop-slot also give up its replication slot.")]
public sealed class WalStopCommand
{
    [Option("--drop-slot", Description = "Also drop the replication slot: the server keeps no WAL for the archive, and the next start " +
        "begins after a gap.")]
    public bool DropSlot { get; set; }

    [Option("--dry-run", Description = "Print every step and docker command; run nothing that changes anything.")]
    public bool DryRun { get; set; }

    public WalCommand Parent { get; set; } = null!;

    public int OnExecute() =>
        OperationHost.Run<WalOperation>(
            Parent.Parent.ToGlobalOptions(), new CommandRun("wal", false) { Discover = true, Recover = !DryRun },
            async (wal, console, cancellationToken) =>
            {
                var (said, records) = await wal.StopAsync(DropSlot, DryRun, cancellationToken);
                if (DryRun)
                {
                    return new CommandResult(PlanReport.Write(console, "wal stop", records, false), RunFacts.None);
                }

                console.Error.WriteLine($"The WAL archiver is stopped. {said}");
                return CommandResult.Done();
            });
}

[Command("status", Description = "The WAL archiver, its slot, its lag and the archive's size; changes nothing. Exits 3 when the " +
    "archiver is not running.")]
public sealed class WalStatusCommand
{
    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public WalCommand Parent { get; set; } = null!;

    public int OnExecute() =>
        OperationHost.Run<WalOperation>(
            Parent.Parent.ToGlobalOptions(), new CommandRun("wal", Json) { Discover = true, Report = true },
            async (wal, console, cancellationToken) =>
            {
                var status = await wal.StatusAsync(cancellationToken);
                WalReport.Write(console, status, Json, "wal status");
                if (status.Archiver != "running")
                {
                    // Nothing is archived: a script or a monitor asking must not read success.
                    console.Error.WriteLine($"summit-dr: The WAL archiver is not running ({status.Archiver}): nothing new is archived " +
                        "and a restore to a later time cannot be made. Start it with `summit-dr wal start`.");
                    return new CommandResult(ExitCodes.Precondition, new RunFacts { Wal = status });
                }

                return new CommandResult(ExitCodes.Success, new RunFacts { Wal = status });
            });
}
