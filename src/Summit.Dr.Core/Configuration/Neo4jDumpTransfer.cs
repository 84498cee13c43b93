using System.ComponentModel;

namespace Summit.Dr.Configuration;

/// <summary>Neo4j:DumpTransfer: how the dump gets from the one-off container to the backup directory (`auto`, `bind-mount`,
/// `stream`).</summary>
[TypeConverter(typeof(SettingValueConverter<Neo4jDumpTransfer>))]
public enum Neo4jDumpTransfer
{
    /// <summary>A bind mount when a probe shows the engine sees the backup directory, else a stream.</summary>
    Auto,

    /// <summary>neo4j-admin writes the dump into the bind-mounted backup directory (a local engine).</summary>
    BindMount,

    /// <summary>The dump travels through the docker CLI's stdout (a remote engine).</summary>
    Stream,
}
