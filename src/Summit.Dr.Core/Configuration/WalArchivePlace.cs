using System.ComponentModel;

namespace Summit.Dr.Configuration;

/// <summary>Pitr:Archive: where the archiver writes the WAL it receives (`auto`, `bind-mount`, `volume`).</summary>
[TypeConverter(typeof(SettingValueConverter<WalArchivePlace>))]
public enum WalArchivePlace
{
    /// <summary>Into the backup root through a bind mount when a probe shows the engine sees it, else into a volume.</summary>
    Auto,

    /// <summary>Into the backup root through a bind mount: the engine runs on this machine.</summary>
    BindMount,

    /// <summary>Into a volume on the engine's host, synced into the backup root.</summary>
    Volume,
}
