using Summit.Dr.Model;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Reporting;

/// <summary>
/// What a run found worth reporting beyond its outcome: the bytes of each artifact, how long Neo4j was down, a
/// drill's recovery time. A value the command returns with its exit code (or names before it starts, for a run that
/// fails); read by the metrics and the webhook.
/// </summary>
public sealed record RunFacts
{
    public static readonly RunFacts None = new();

    /// <summary>The backup the run made, restored, drilled or pushed.</summary>
    public string? Backup { get; init; }

    public IReadOnlyDictionary<BackupComponent, long> Bytes { get; init; } = new Dictionary<BackupComponent, long>();

    public double? Neo4jDowntimeSeconds { get; init; }

    /// <summary>What Neo4j was down for (a copy, a rename, or the whole dump or load) and how long that work took.</summary>
    public Neo4jOffline? Neo4jOffline { get; init; }

    public double? RecoverySeconds { get; init; }

    /// <summary>Bytes sent off-site by a push.</summary>
    public long? PushedBytes { get; init; }

    /// <summary>The WAL archive, as `wal start` or `wal status` found it.</summary>
    public WalStatus? Wal { get; init; }

    /// <summary>The recovery objectives as `status` measured them.</summary>
    public RecoveryStatus? Status { get; init; }

    /// <summary>Bytes a prune freed.</summary>
    public long? FreedBytes { get; init; }

    /// <summary>What a backup's manifest says: its name, each artifact's size, Neo4j's downtime.</summary>
    public static RunFacts Of(BackupManifest manifest) => new()
    {
        Backup = manifest.Name,
        Bytes = manifest.Captured.ToDictionary(c => c, c => manifest.Of(c).Artifact!.Size),
        Neo4jDowntimeSeconds = manifest.Neo4j.DowntimeSeconds,
        Neo4jOffline = manifest.Neo4j.Offline,
    };
}
