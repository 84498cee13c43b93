using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Wal;
using Summit.Dr.Progress;
using Summit.Dr.Reporting;
using Summit.Dr.Stores.Wal;
using Summit.Dr.Tool.Hosting;
using Summit.Dr.Tool.Terminal;

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

    internal static int Report(ToolConsole console, WalStatus status, bool json, string command)
    {
        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command,
                archiver = status.Archiver,
                branch = status.Branch,
                lastSegment = status.LastSegment?.Name,
                lastArchivedAt = status.LastSegment?.Written,
                lagBytes = status.LagBytes,
                lagSeconds = status.LagSeconds,
                slot = status.Slot is null ? null
                    : new { active = status.Slot.Active, walStatus = status.Slot.WalStatus, safeWalBytes = status.Slot.SafeWalSize },
                boundMiB = status.BoundMiB,
                archiveBytes = status.ArchiveBytes,
                signedUntil = status.SignedUntil,
                warnings = status.Warnings,
            });
            return ExitCodes.Success;
        }

        console.Out.WriteLine($"archiver      {status.Archiver}{(status.Branch is { } b ? $", into wal/{b}" : string.Empty)}");
        console.Out.WriteLine($"last segment  " +
            $"{(status.LastSegment is { } last ? $"{last.Name}, written {last.Written.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : "none yet")}");
        console.Out.WriteLine($"lag           " +
            $"{(status.LagBytes is { } lag ? $"{LoggingProgressReporter.FormatBytes(lag)}, {status.LagSeconds ?? 0:0} s" : "unknown")}");
        var slot = status.Slot is { } held ? $"{WalServer.SlotName}, {(held.Active ? "active" : "inactive")}, " +
            $"{held.WalStatus ?? "no WAL held yet"}" : "none";
        console.Out.WriteLine($"slot          {slot}; bound {(status.BoundMiB is { } mib ? $"{mib} MiB" : "none")}");
        console.Out.WriteLine($"archive       {LoggingProgressReporter.FormatBytes(status.ArchiveBytes)}");
        if (status.SignedUntil is { } signed)
        {
            console.Out.WriteLine(signed == DateTimeOffset.MinValue
                ? "signed until  nothing: no ledger a trusted key signed vouches for this WAL (Signing:TrustedKeyFiles); `summit-dr wal " +
                    "start` on the signing host signs it"
                : $"signed until  {signed.ToLocalTime():yyyy-MM-dd HH:mm:ss}: the recovery point is the ledger's last signed sync " +
                    $"(Signing:TrustedKeyFiles)");
        }
        foreach (var warning in status.Warnings)
        {
            console.Error.WriteLine($"warning: {warning}");
        }

        return ExitCodes.Success;
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
        OperationHost.Run(
            Parent.Parent.ToGlobalOptions(), new CommandRun("wal", Json) { Discover = true, Recover = !DryRun, Report = !DryRun },
            async (services, console, cancellationToken) =>
        {
            var (status, records) = await services.GetRequiredService<WalOperation>().StartAsync(DryRun, cancellationToken);
            if (DryRun)
            {
                return PlanReport.Write(console, "wal start", records, Json);
            }

            services.GetRequiredService<RunFacts>().Wal = status;
            return WalCommand.Report(console, status, Json, "wal start");
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
        OperationHost.Run(
            Parent.Parent.ToGlobalOptions(), new CommandRun("wal", false) { Discover = true, Recover = !DryRun },
            async (services, console, cancellationToken) =>
        {
            var (said, records) = await services.GetRequiredService<WalOperation>().StopAsync(DropSlot, DryRun, cancellationToken);
            if (DryRun)
            {
                return PlanReport.Write(console, "wal stop", records, false);
            }

            console.Error.WriteLine($"The WAL archiver is stopped. {said}");
            return ExitCodes.Success;
        });
}

[Command("status", Description = "The WAL archiver, its slot, its lag and the archive's size; changes nothing.")]
public sealed class WalStatusCommand
{
    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public WalCommand Parent { get; set; } = null!;

    public int OnExecute() =>
        OperationHost.Run(
            Parent.Parent.ToGlobalOptions(), new CommandRun("wal", Json) { Discover = true, Report = true },
            async (services, console, cancellationToken) =>
        {
            var status = await services.GetRequiredService<WalOperation>().StatusAsync(cancellationToken);
            services.GetRequiredService<RunFacts>().Wal = status;
            return WalCommand.Report(console, status, Json, "wal status");
        });
}
