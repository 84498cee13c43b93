using Summit.Dr.Model;


namespace Summit.Dr.Stores.Wal;

/// <summary>A base backup a restore to a point in time may start from: a complete, trusted backup that holds one.</summary>
/// <param name="Manifest">The backup's manifest as it was accepted (its signature checked on the bytes it was parsed from): nothing reads
/// it again.</param>
public sealed record BaseCandidate(string Name, string Directory, PostgresBase Base, BackupManifest? Manifest = null)
{
    /// <summary>From when on a target may lie: the base backup is consistent once it has finished.</summary>
    public DateTimeOffset ConsistentAt => Base.Artifact.FinishedAt;

    public ulong StartLsn => WalFileName.ParseLsn(Base.StartLsn);
}

/// <summary>
/// What a restore to <see cref="Target"/> lays into the data directory: the newest base backup that is consistent
/// before the target on the timeline the platform ran on then, every WAL segment from the base's start to the
/// newest one archived on that path (the one pg_receivewal is still writing renamed from `.partial`), and every
/// timeline history file (so the new timeline recovery picks is one no stream has used).
/// </summary>
public sealed record RecoveryPlan(
    DateTimeOffset Target,
    BaseCandidate Base,
    WalBranch Branch,
    TimelinePath Path,
    IReadOnlyList<(WalFile File, string LaidName)> Segments,
    IReadOnlyList<string> Histories,
    DateTimeOffset CoveredUntil)
{
    /// <summary>What the archive's ledgers vouch for: each laid file's bytes are checked against them on their way.</summary>
    public WalLedgerSet Ledgers { get; init; } = WalLedgerSet.None;

    public long WalBytes => Segments.Sum(s => s.File.Size);

    public string FirstSegment => Segments[0].LaidName;

    public string LastSegment => Segments[^1].LaidName;
}
