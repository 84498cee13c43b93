namespace Summit.Dr.Model;

/// <summary>
/// The physical base backup a backup holds beside its logical dump when point-in-time recovery is on
/// (`pg_basebackup`, tar format, compressed by summit-dr as it is written): where WAL replay starts and from
/// where the copy is consistent.
/// </summary>
/// <param name="SystemIdentifier">The cluster's identifier: only its own WAL replays onto it.</param>
/// <param name="Timeline">The timeline the base backup was taken on.</param>
/// <param name="StartLsn">Where replay starts (the backup's checkpoint redo, from its backup_label).</param>
/// <param name="EndLsn">Where the copy becomes consistent (the manifest's WAL range end): no target before it.</param>
/// <param name="SegmentSize">The cluster's WAL segment size in bytes.</param>
/// <param name="TarBytes">The uncompressed tar's size: what laying it into a data directory takes.</param>
public sealed record PostgresBase(
    ArtifactRecord Artifact,
    string SystemIdentifier,
    uint Timeline,
    string StartLsn,
    string EndLsn,
    long SegmentSize,
    long TarBytes);
