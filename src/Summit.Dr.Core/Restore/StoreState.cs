namespace Summit.Dr.Restore;

/// <summary>Where one store stands at the end of a restore.</summary>
public enum StoreState
{
    Untouched,
    Restored,
    RolledBack,
    RollbackFailed,
}
