namespace Summit.Dr.Stores.Wal;

/// <summary>What `summit-dr wal status` reports: the archiver, its slot on the server, and the archive on disk.</summary>
/// <param name="Archiver">`running`, `exited`, `restarting` or `absent`.</param>
/// <param name="LastSegment">The newest file of the archiver's stream, and when it was last written: the last archived second.</param>
/// <param name="LagBytes">WAL the server wrote that the archiver has not yet written; null when the server cannot be asked.</param>
/// <param name="LagSeconds">While the archiver streams, how long WAL takes to reach it (write_lag); else the seconds since the archive
/// last caught up.</param>
/// <param name="BoundMiB">The server's max_slot_wal_keep_size (null: unbounded).</param>
public sealed record WalStatus(
    string Archiver,
    string? Branch,
    (string Name, DateTimeOffset Written)? LastSegment,
    long? LagBytes,
    double? LagSeconds,
    SlotState? Slot,
    long? BoundMiB,
    long ArchiveBytes,
    IReadOnlyList<string> Warnings)
{
    public bool Streaming => Archiver == "running" && Slot is { Active: true };

    /// <summary>With Signing:TrustedKeyFiles set, the ledger's last signed sync: a restore to a time reaches no later.</summary>
    public DateTimeOffset? SignedUntil { get; init; }

    /// <summary>
    /// How far the archive holds the platform's WAL: while the archiver streams, up to now less its write lag and
    /// the interval it reports in; else up to its last write.
    /// </summary>
    public DateTimeOffset CoveredUntil(DateTimeOffset now) =>
        Streaming ? now - TimeSpan.FromSeconds((LagBytes == 0 ? 0 : LagSeconds ?? 0) + WalArchiver.StatusIntervalSeconds)
            : LastSegment?.Written ?? DateTimeOffset.MinValue;
}
