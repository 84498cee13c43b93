namespace Summit.Dr.Model;

/// <summary>One store's newest point an incident could restore it to, where that figure came from, and when it was read.</summary>
/// <param name="At">When the point is; null when there is none.</param>
/// <param name="Source">What said so: a backup's manifest, the WAL archive, the remote listing or a push record.</param>
public sealed record RecoveryPoint(BackupComponent Store, DateTimeOffset? At, string Source, DateTimeOffset ReadAt)
{
    public TimeSpan? AgeAt(DateTimeOffset now) => At is { } at ? now - at : null;
}

/// <summary>The newest complete copies off-site, per store.</summary>
/// <param name="Listed">True: read from the remote listing; false: the remote could not be listed (<paramref name="Unreachable"/> says
/// why), and the points are what the last pushes recorded.</param>
public sealed record OffSiteStatus(string Location, IReadOnlyList<RecoveryPoint> Points, bool Listed, string? Unreachable);

/// <summary>The last drill, from its drill record: which backup, when, whether it passed and how long its restore took end to
/// end.</summary>
public sealed record DrillProof(string Backup, DateTimeOffset Time, bool Passed, double TotalSeconds, long BackupBytes, string Source);

/// <summary>How long restoring each store from its newest complete backup should take: the last drill's time, scaled by the artifacts'
/// bytes when the drill was of other backups; an estimate, never a measurement.</summary>
/// <param name="Backup">The backups the stores would come from, joined with " + ".</param>
public sealed record RestoreEstimate(string Backup, long Bytes, double Seconds, bool Scaled);

/// <summary>What the platform promises: how much an incident may lose, how long a restore may take, how old its proof may be.</summary>
public sealed record RecoveryObjectives(TimeSpan Rpo, TimeSpan Rto, TimeSpan DrillMaxAge);

/// <summary>What an incident would lose and how long it would take, now, against the objectives; each breach one sentence.</summary>
public sealed record RecoveryStatus(
    DateTimeOffset Now,
    RecoveryObjectives Objectives,
    IReadOnlyList<RecoveryPoint> Local,
    OffSiteStatus? OffSite,
    DrillProof? Drill,
    RestoreEstimate? Estimate,
    IReadOnlyList<string> Breaches)
{
    public bool Within => Breaches.Count == 0;
}
