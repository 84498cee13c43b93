namespace Summit.Dr.Prune;

public sealed record PruneResult(bool DryRun, IReadOnlyList<PruneDecision> Decisions)
{
    public long FreedBytes => Decisions.Where(d => !d.Keep).Sum(d => d.Entry.Bytes);
}
