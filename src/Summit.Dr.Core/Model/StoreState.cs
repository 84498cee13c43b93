namespace Summit.Dr.Model;

/// <summary>Where one store stands at the end of a restore.</summary>
public enum StoreState
{
    Untouched,
    Restored,
    RolledBack,
    RollbackFailed,
}
