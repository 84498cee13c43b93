using Summit.Dr.Model;

namespace Summit.Dr.Operations.Check;

public sealed record CheckResult(string Directory, IReadOnlyList<CheckFinding> Findings)
{
    /// <summary>What the backup's signature proved; null when it was refused before its artifacts were read.</summary>
    public TrustVerdict? Trust { get; init; }

    public bool Sound => Findings.All(f => f.Sound);
}
