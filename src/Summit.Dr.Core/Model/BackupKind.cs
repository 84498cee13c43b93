namespace Summit.Dr.Model;

public enum BackupKind
{
    Regular,

    /// <summary>Taken by restore just before it overwrites the live state.</summary>
    Safety,
}
