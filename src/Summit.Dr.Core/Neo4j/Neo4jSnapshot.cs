namespace Summit.Dr.Neo4j;

/// <summary>
/// Values of Neo4j:Snapshot: whether Neo4j is down only for a copy (backup) or a rename (restore), with the
/// dump or the load run beside the serving server on a scratch data directory in Neo4j's own volume.
/// </summary>
public static class Neo4jSnapshot
{
    /// <summary>The scratch directory when the volume has the room for it, else the dump or load in place (said in one line).</summary>
    public const string Auto = "auto";

    /// <summary>The scratch directory or nothing: a volume without the room refuses the run (exit 3) before anything is stopped.</summary>
    public const string Always = "always";

    /// <summary>The dump or load in place, while Neo4j is down, as the runbook does.</summary>
    public const string Never = "never";

    public static readonly IReadOnlyList<string> All = [Auto, Always, Never];
}
