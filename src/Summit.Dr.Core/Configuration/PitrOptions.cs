namespace Summit.Dr.Configuration;

/// <summary>
/// Point-in-time recovery for PostgreSQL, opt-in: a continuous WAL archive (`summit-dr wal start`), a physical
/// base backup beside every logical dump, and `restore --to TIME`.
/// </summary>
public sealed class PitrOptions
{
    /// <summary>Base backups in every backup, and the WAL archive commands.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The most WAL the archiver's replication slot may hold back on the platform's disk, in MiB: set as the
    /// server's max_slot_wal_keep_size when it has no bound of its own. A slot that would hold more is given
    /// up by the server (the archive then has a gap) rather than fill the disk.
    /// </summary>
    public int MaxSlotWalKeepSizeMiB { get; set; } = 8192;

    /// <summary>`pg_receivewal --synchronous`: every WAL write flushed to the archive's disk at once.</summary>
    public bool Synchronous { get; set; }

    /// <summary>
    /// Where the archiver writes: `auto` (the backup root through a bind mount when the engine sees it, else a
    /// volume on the engine's host), `bind-mount` or `volume` (synced into the backup root by `wal start`, and
    /// before a restore or drill to a point in time and `push --wal`).
    /// </summary>
    public WalArchivePlace Archive { get; set; }

    /// <summary>How long a restore to a point in time may take to replay the WAL and promote.</summary>
    public int RecoveryTimeoutSeconds { get; set; } = 900;
}
