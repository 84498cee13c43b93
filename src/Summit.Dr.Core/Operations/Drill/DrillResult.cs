using Summit.Dr.Model;


namespace Summit.Dr.Operations.Drill;

/// <summary>What a drill proved, and how long recovering this backup took.</summary>
/// <param name="Proven">Every check passed.</param>
/// <param name="FactsRecorded">False for a backup without a manifest: there was nothing to compare with.</param>
/// <param name="Kept">The scratch containers, volumes and directory were left for inspection (--keep).</param>
public sealed record DrillResult(
    string Backup,
    string Id,
    bool Proven,
    bool FactsRecorded,
    IReadOnlyList<RestoreStep> Steps,
    IReadOnlyList<HealthCheck> Checks,
    TimeSpan Total,
    IReadOnlyList<string> Images,
    IReadOnlyList<string> Warnings,
    bool Kept,
    IReadOnlyList<string> Containers,
    IReadOnlyList<string> Volumes,
    string Directory)
{
    /// <summary>What the backup's signature proved.</summary>
    public TrustVerdict? Trust { get; init; }
}
