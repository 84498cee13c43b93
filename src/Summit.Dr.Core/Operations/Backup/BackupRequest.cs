using Summit.Dr.Model;


namespace Summit.Dr.Operations.Backup;

/// <summary>What one `backup` run is asked to do.</summary>
public sealed record BackupRequest(
    IReadOnlySet<BackupComponent> Components, bool DryRun, BackupKind Kind = BackupKind.Regular);
