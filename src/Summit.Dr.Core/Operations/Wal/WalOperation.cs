using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Wal;

/// <summary>
/// `summit-dr wal start | stop | status`: the continuous WAL archive (<see cref="WalArchiving"/> sets it up).
/// Start is idempotent; stop removes the archiver and, asked to, gives up its slot; status changes nothing.
/// </summary>
public sealed class WalOperation(
    PlatformContainers containers, WalArchiving archiving, WalStatusReader reader, WalSync sync, OperationLock operationLock,
        StepRunner steps, IOptions<SummitDrOptions> options)
{
    private readonly WalArchive _archive = sync.Archive;

    public WalArchive Archive => _archive;

    /// <returns>The archive's state, and the step records (a dry run's plan).</returns>
    public async Task<(WalStatus Status, IReadOnlyList<StepRecord> Records)> StartAsync(bool dryRun, CancellationToken cancellationToken)
    {
        RequireEnabled();
        var log = steps.Begin(dryRun);
        using var held = dryRun ? null : operationLock.Acquire(_archive.Root, "wal start");
        var postgres = await steps.AskAsync("postgres container", (_, t) => containers.PostgresAsync("run `summit-dr wal start` " +
            "again", t), cancellationToken);
        var branch = await archiving.EnsureAsync(postgres, recovered: false, cancellationToken);
        await sync.SyncVolumeAsync(postgres.Name, known: null, cancellationToken);
        return (dryRun ? new WalStatus("planned", branch.Name, null, null, null, null, null, 0, []) : await reader.ReadAsync(
            postgres, _archive, cancellationToken), log.Records);
    }

    /// <returns>What became of the slot, for the operator, and the step records (a dry run's plan).</returns>
    public async Task<(string Said, IReadOnlyList<StepRecord> Records)> StopAsync(
        bool dropSlot, bool dryRun, CancellationToken cancellationToken)
    {
        RequireEnabled();
        var log = steps.Begin(dryRun);
        using var held = dryRun ? null : operationLock.Acquire(_archive.Root, "wal stop");
        var name = options.Value.Postgres.Container;
        var running = await archiving.ArchiverAsync(name, cancellationToken);
        await steps.RunAsync("stop archiver", () => archiving.RemoveArchiver(name), cancellationToken);
        // What it wrote into its volume, if it wrote into one, reaches the archive now that nothing more arrives; the ledgers take the
        // last of it.
        await sync.SyncVolumeAsync(name, running, cancellationToken);
        await sync.LedgerAsync(cancellationToken);
        if (!dropSlot)
        {
            return ($"The replication slot {WalServer.SlotName} keeps the WAL the archiver has not received, up to the server's " +
                $"max_slot_wal_keep_size: `summit-dr wal start` resumes without a gap, `summit-dr wal stop --drop-slot` gives the slot " +
                    $"up.", log.Records);
        }

        var postgres = await steps.AskAsync("postgres container", (_, t) => containers.PostgresAsync("run `summit-dr wal stop " +
            "--drop-slot` again", t), cancellationToken);
        await steps.RunAsync("drop replication slot", () => archiving.DropSlot(postgres.Name), cancellationToken);
        return ($"The replication slot {WalServer.SlotName} is dropped: the platform keeps no WAL for the archive, and the next " +
            $"`summit-dr wal start` begins after a gap.", log.Records);
    }

    public async Task<WalStatus> StatusAsync(CancellationToken cancellationToken)
    {
        RequireEnabled();
        var postgres = await containers.PostgresOrNullAsync(cancellationToken);
        var status = await reader.ReadAsync(postgres, _archive, cancellationToken);
        if (_archive.Branches().FirstOrDefault(b => b.Name == status.Branch) is { } streamed
            && sync.Ledgers.SignedUntil(streamed) is { } signed)
        {
            status = status with { SignedUntil = signed };
        }

        return postgres is null
            ? status with { Warnings = [$"PostgreSQL container '{options.Value.Postgres.Container}' is not running: lag and slot " +
                $"unknown.", .. status.Warnings] }
            : status;
    }

    private void RequireEnabled()
    {
        if (!options.Value.Pitr.Enabled)
        {
            throw new UsageException("Point-in-time recovery is off: set Pitr:Enabled=true (summit-dr.json or SUMMIT_DR_Pitr__Enabled) " +
                "to use `summit-dr wal`.");
        }
    }
}
