using Summit.Dr.Model;

namespace Summit.Dr.Operations.Restore;

/// <summary>A finished restore: what was restored, how long it took, and how the runbook's checks came out.</summary>
public sealed record RestoreResult(
    string Backup,
    string? SafetyBackup,
    IReadOnlyList<RestoreStep> Steps,
    IReadOnlyList<StoreOutcome> Stores,
    IReadOnlyList<HealthCheck> Checks,
    TimeSpan Total,
    IReadOnlyList<string> Warnings,
    KeptState Kept,
    IReadOnlyList<StepRecord> Records)
{
    /// <summary>What the backup's signature proved.</summary>
    public TrustVerdict? Trust { get; init; }

    /// <summary>How long Neo4j was down in the swap, and what for (the renames of a load-then-swap, or the load in place).</summary>
    public (double Seconds, Neo4jOffline Work)? Neo4jDown { get; init; }

    public bool ChecksPassed => Checks.All(c => c.Passed);
}
