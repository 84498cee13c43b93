namespace Summit.Dr.Pitr;

/// <summary>`Pitr:Archive`: where the archiver writes the WAL it receives.</summary>
public static class WalArchivePlace
{
    /// <summary>Into the backup root through a bind mount when a probe shows the engine sees it, else into a volume.</summary>
    public const string Auto = "auto";

    /// <summary>Into the backup root through a bind mount: the engine runs on this machine.</summary>
    public const string BindMount = "bind-mount";

    /// <summary>Into a volume on the engine's host, synced into the backup root (<see cref="WalVolume"/>).</summary>
    public const string Volume = "volume";

    public static readonly IReadOnlyList<string> All = [Auto, BindMount, Volume];
}
