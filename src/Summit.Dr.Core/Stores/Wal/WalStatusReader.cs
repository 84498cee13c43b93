using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;

namespace Summit.Dr.Stores.Wal;

/// <summary>Reads the archiver's state (container, slot, lag, archive) without changing anything.</summary>
public sealed class WalStatusReader(WalArchiver archiver, WalServer server, IOptions<SummitDrOptions> options, TimeProvider time)
{
    /// <summary>The share of the bound left to the slot below which doctor, status and the metrics warn.</summary>
    public const double WarnBelow = 0.25;

    public async Task<WalStatus> ReadAsync(ContainerInfo? postgres, WalArchive archive, CancellationToken cancellationToken)
    {
        var name = postgres?.Name ?? options.Value.Postgres.Container;
        var container = await archiver.InspectAsync(name, cancellationToken);
        var state = container is null ? "absent" : container.Running ? "running" : container.Status;
        var warnings = new List<string>();
        WalServerState? serverState = null;
        if (postgres is { Running: true })
        {
            try
            {
                serverState = await server.StateAsync(postgres.Name, cancellationToken);
            }
            catch (OperationFailedException ex)
            {
                warnings.Add($"PostgreSQL cannot be asked about its WAL: {ex.Message}");
            }
        }

        var stream = archive.Branches().LastOrDefault(s => container?.Labels.GetValueOrDefault(WalArchiver.BranchLabel) == s.Name)
            ?? archive.Branches().LastOrDefault(s => serverState is null || s.SystemIdentifier == serverState.SystemIdentifier);
        var last = stream is null ? null : archive.Files(stream).MaxBy(f => (f.Name.Segment, f.Name.Timeline));
        long? lag = serverState is null ? null
            : serverState.Slot?.WriteLsn is { } written ? (long)(serverState.CurrentLsn - Math.Min(written, serverState.CurrentLsn))
            : serverState.Slot?.RestartLsn is { } restart ? (long)(serverState.CurrentLsn - Math.Min(restart, serverState.CurrentLsn))
            : null;
        double? lagSeconds = serverState?.Slot is { Active: true } streaming ? streaming.WriteLagSeconds
            : lag is null ? null : lag == 0 ? 0 : last is null ? null : Math.Max(0, (time.GetUtcNow() - last.Modified).TotalSeconds);
        long? bound = serverState is null || serverState.MaxSlotWalKeepSizeMiB < 0 ? null : serverState.MaxSlotWalKeepSizeMiB;
        Warn(warnings, state, serverState, bound);
        return new WalStatus(
            state, stream?.Name, last is null ? null
                : (Path.GetFileName(last.Path), last.Modified), lag, lagSeconds, serverState?.Slot, bound, archive.Bytes(), warnings);
    }

    private static void Warn(List<string> warnings, string state, WalServerState? serverState, long? bound)
    {
        if (state != "running")
        {
            warnings.Add(state == "absent"
                ? "The WAL archiver is not running: `summit-dr wal start` starts it."
                : $"The WAL archiver is {state} (PostgreSQL restarted?): `summit-dr wal start` starts it again; its slot kept the WAL " +
                    $"meanwhile.");
        }

        if (serverState is { Slot: null })
        {
            warnings.Add($"PostgreSQL has no replication slot {WalServer.SlotName}: `summit-dr wal start` makes one.");
        }
        else if (serverState?.Slot is { WalStatus: "lost" })
        {
            warnings.Add("PostgreSQL gave up the archiver's slot at its bound (max_slot_wal_keep_size): the archive has a gap. Drop it " +
                "(`summit-dr wal stop --drop-slot`), start again and take a backup.");
        }
        else if (bound is { } mib && serverState?.Slot?.SafeWalSize is { } safe && safe < mib * (1L << 20) * WarnBelow)
        {
            warnings.Add($"The archiver's slot may hold back only {safe >> 20} MiB more of the {mib} MiB bound before PostgreSQL gives " +
                $"it up: start the archiver, or raise the bound.");
        }
    }
}
