using System.ComponentModel;

namespace Summit.Dr.Configuration;

/// <summary>
/// Neo4j:Snapshot (`auto`, `always`, `never`): whether Neo4j is down only for a copy (backup) or a rename (restore),
/// with the dump or the load run beside the serving server on a scratch data directory in Neo4j's own volume.
/// </summary>
[TypeConverter(typeof(SettingValueConverter<Neo4jSnapshot>))]
public enum Neo4jSnapshot
{
    /// <summary>The scratch directory when the volume has the room for it, else the dump or load in place (said in one line).</summary>
    Auto,

    /// <summary>The scratch directory or nothing: a volume without the room refuses the run (exit 3) before anything is stopped.</summary>
    Always,

    /// <summary>The dump or load in place, while Neo4j is down, as the runbook does.</summary>
    Never,
}
