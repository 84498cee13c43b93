using Summit.Dr.Model;


namespace Summit.Dr.Operations.Restore;

/// <summary>What one `restore` run is asked to do.</summary>
/// <param name="Backup">A backup directory, or `latest`.</param>
/// <param name="ExplicitSelection">True when the user named components with `--only`.</param>
/// <param name="SafetyBackup">Also write a durable backup of the current state first (the replaced state is kept aside either way).</param>
public sealed record RestoreRequest(
    string Backup,
    IReadOnlySet<BackupComponent> Components,
    bool ExplicitSelection,
    bool Yes,
    bool SafetyBackup,
    bool DryRun)
{
    /// <summary>`--to`: PostgreSQL to this point in time (base backup and WAL); the other stores from the newest backup at or before
    /// it.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>The run holds the backup root's lock (a restore); a drill does not, and takes it to sync the WAL volume.</summary>
    public bool HoldsLock { get; init; } = true;
}
