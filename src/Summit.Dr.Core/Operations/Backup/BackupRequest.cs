using Summit.Dr.Model;


namespace Summit.Dr.Operations.Backup;

/// <summary>What one `backup` run is asked to do.</summary>
/// <param name="OutputRoot">Where the timestamped directory goes; the configured backup root when null.</param>
public sealed record BackupRequest(
    string? OutputRoot, IReadOnlySet<BackupComponent> Components, bool DryRun, BackupKind Kind = BackupKind.Regular);
