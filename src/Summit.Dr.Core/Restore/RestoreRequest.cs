using Summit.Dr.Backup;

namespace Summit.Dr.Restore;

/// <summary>What one `restore` run is asked to do.</summary>
/// <param name="Backup">A backup directory, or `latest`.</param>
/// <param name="ExplicitSelection">True when the user named components with `--only`.</param>
public sealed record RestoreRequest(
    string Backup,
    IReadOnlySet<BackupComponent> Components,
    bool ExplicitSelection,
    bool Yes,
    bool NoSafetyBackup,
    bool DryRun);
