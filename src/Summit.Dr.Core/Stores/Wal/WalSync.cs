using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// WAL coming into the archive for good: where the archiver writes into a volume, what it holds synced into the
/// archive (<see cref="WalVolume"/>); then the ledgers extended with what came (<see cref="WalLedgers"/>), at every
/// `wal start`, `wal stop`, backup and sync.
/// </summary>
public sealed class WalSync(WalVolume volume, WalLedgers ledgers, StepRunner steps, IOptions<SummitDrOptions> options)
{
    public WalArchive Archive => ledgers.Archive;

    public WalLedgers Ledgers => ledgers;

    /// <summary>Syncs the volume of <paramref name="container"/>'s archiver, if it writes into one, then the ledgers.</summary>
    /// <param name="known">The archiver as the caller inspected it (one being replaced); else it is asked.</param>
    public async Task SyncVolumeAsync(string container, ContainerInfo? known, CancellationToken cancellationToken)
    {
        if (await volume.SyncStepAsync(container, Archive, known, cancellationToken))
        {
            await LedgerAsync(cancellationToken);
        }
    }

    /// <summary>The same for the configured PostgreSQL container (Postgres:Container).</summary>
    public Task SyncVolumeAsync(CancellationToken cancellationToken) =>
        SyncVolumeAsync(options.Value.Postgres.Container, known: null, cancellationToken);

    /// <summary>The archive's ledgers extended with what it holds now and re-signed.</summary>
    public Task LedgerAsync(CancellationToken cancellationToken) =>
        steps.StepOrBareAsync("wal ledger", () => Script.InProcess(
            $"in process: every new complete segment and history file, and the .partial's length, into " +
                $"{Archive.Directory}/BRANCH{WalLedger.Suffix}, signed when Signing:SecretKeyFile is set",
            async t => await ledgers.ExtendAllAsync(t)), cancellationToken);
}
