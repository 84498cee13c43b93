using Summit.Dr.Backup;

namespace Summit.Dr.Restore;

public sealed record StoreOutcome(BackupComponent Component, StoreState State, string Detail);
