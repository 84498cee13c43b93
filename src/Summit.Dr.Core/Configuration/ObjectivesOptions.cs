namespace Summit.Dr.Configuration;

/// <summary>The platform's recovery objectives, which `summit-dr status` measures the backups, the WAL archive and the drills
/// against (the runbook's: RPO the time since the last backup, a day at most; RTO under 10 minutes).</summary>
public sealed class ObjectivesOptions
{
    /// <summary>The most data an incident may lose: how old the newest recovery point of each store may be.</summary>
    public double RpoMinutes { get; set; } = 1440;

    /// <summary>How long a restore may take, as the last drill measured it end to end.</summary>
    public double RtoMinutes { get; set; } = 10;

    /// <summary>How old the last drill may be before its proof of the RTO is stale.</summary>
    public double DrillMaxAgeDays { get; set; } = 7;
}
