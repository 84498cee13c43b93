using Summit.Dr.Model;
using Summit.Dr.Stores.Wal;


namespace Summit.Dr.Reporting;

/// <summary>
/// What a run found worth reporting beyond its outcome, filled in by the command as it learns it: the bytes
/// of each artifact, how long Neo4j was down, a drill's recovery time. Read by the metrics and the webhook.
/// </summary>
public sealed class RunFacts
{
    private readonly Dictionary<BackupComponent, long> _bytes = [];

    /// <summary>The backup the run made, restored, drilled or pushed.</summary>
    public string? Backup { get; set; }

    public IReadOnlyDictionary<BackupComponent, long> Bytes => _bytes;

    public double? Neo4jDowntimeSeconds { get; set; }

    /// <summary>What Neo4j was down for (a copy, a rename, or the whole dump or load) and how long that work took.</summary>
    public Neo4jOffline? Neo4jOffline { get; set; }

    public double? RecoverySeconds { get; set; }

    /// <summary>Bytes sent off-site by a push.</summary>
    public long? PushedBytes { get; set; }

    /// <summary>The WAL archive, as `wal start` or `wal status` found it.</summary>
    public WalStatus? Wal { get; set; }

    /// <summary>Bytes a prune freed.</summary>
    public long? FreedBytes { get; set; }

    public void Artifact(BackupComponent component, long bytes) => _bytes[component] = bytes;

    /// <summary>What a backup's manifest says: its name, each artifact's size, Neo4j's downtime.</summary>
    public void Record(BackupManifest manifest)
    {
        Backup = manifest.Name;
        foreach (var component in manifest.Captured)
        {
            Artifact(component, manifest.Of(component).Artifact!.Size);
        }

        Neo4jDowntimeSeconds = manifest.Neo4j.DowntimeSeconds;
        Neo4jOffline = manifest.Neo4j.Offline;
    }
}
