namespace Summit.Dr.Archive.Retention;

/// <summary>restic-style keep rules. Null means the rule is not used; safety backups have their own count.</summary>
public sealed record PrunePolicy(int? KeepLast, int? KeepDaily, int? KeepWeekly, int? KeepMonthly, int? KeepSafety)
{
    public bool HasRule => KeepLast is not null || KeepDaily is not null || KeepWeekly is not null || KeepMonthly is not null;
}
