using Summit.Dr.Errors;
using Summit.Dr.Progress;
using Summit.Dr.Stores.Wal;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `wal start` and `wal status` say of the archive, as text or as one JSON document.</summary>
internal static class WalReport
{
    public static int Write(ToolConsole console, WalStatus status, bool json, string command)
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
