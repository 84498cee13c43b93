namespace Summit.Dr.Archive.Retention;

public sealed record PruneResult(bool DryRun, IReadOnlyList<PruneDecision> Decisions)
{
    public long FreedBytes => Decisions.Where(d => !d.Keep).Sum(d => d.Entry.Bytes) + WalBytes;

    /// <summary>WAL segments older than the oldest base backup kept, removed (or, in a dry run, to be removed).</summary>
    public int WalSegments { get; init; }

    public long WalBytes { get; init; }
}
