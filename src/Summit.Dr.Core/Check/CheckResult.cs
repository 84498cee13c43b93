namespace Summit.Dr.Check;

public sealed record CheckResult(string Directory, IReadOnlyList<CheckFinding> Findings)
{
    public bool Sound => Findings.All(f => f.Sound);
}
