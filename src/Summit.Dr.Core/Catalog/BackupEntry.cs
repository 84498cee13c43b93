using Summit.Dr.Backup;

namespace Summit.Dr.Catalog;

/// <summary>One directory of the backup root, as `list` shows it.</summary>
public sealed record BackupEntry(
    string Name,
    string Directory,
    DateTimeOffset? Time,
    long Bytes,
    IReadOnlyList<BackupComponent> Components,
    BackupState State,
    string? Problem);
